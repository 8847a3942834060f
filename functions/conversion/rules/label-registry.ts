import { ManifestReason } from '../../kernel/rules/reason-codes';
import type { LineProblem } from './output-manifest';
import { RekognitionLimits } from './rekognition-rules';

/**
 * Gives every label name one dataset-wide class id. Ground Truth's class ids are per line and
 * may be sparse or differ between lines (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html); Rekognition knows labels by name, so the
 * output uses these ids everywhere. Seeded names (the run's label list, in Ground Truth's
 * label-category order) keep their index; new names are numbered in order of appearance. At most
 * 250 distinct labels may be used (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html); a box with a 251st label is refused.
 */
export class LabelRegistry {
  private readonly ids = new Map<string, number>();
  private readonly used = new Set<number>();
  private readonly byId: string[] = [];

  constructor(seed: readonly string[] = []) {
    for (const name of seed) this.assign(name);
  }

  /** The id of `name`, marking it used; a problem when it would be label number 251. */
  use(name: string): number | LineProblem {
    const known = this.ids.get(name);
    if (known !== undefined && this.used.has(known)) return known;
    if (this.used.size >= RekognitionLimits.MAX_LABELS) {
      return {
        code: ManifestReason.ERROR_TOO_MANY_LABELS,
        message: `label ${JSON.stringify(name)} would exceed ${RekognitionLimits.MAX_LABELS} labels`,
      };
    }
    const id = known ?? this.assign(name);
    this.used.add(id);
    return id;
  }

  /** Names of the labels in use, by id. */
  usedNames(): string[] {
    return [...this.used].sort((a, b) => a - b).map((id) => this.nameOf(id));
  }

  nameOf(id: number): string {
    return this.byId[id] ?? String(id);
  }

  /** Number of ids handed out (used or seeded); ids run from 0 to `size - 1`. */
  get size(): number {
    return this.byId.length;
  }

  private assign(name: string): number {
    const existing = this.ids.get(name);
    if (existing !== undefined) return existing;
    const id = this.byId.length;
    this.ids.set(name, id);
    this.byId.push(name);
    return id;
  }
}
