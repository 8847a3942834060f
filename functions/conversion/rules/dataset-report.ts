import type { LabelCounters } from '../../kernel/contracts/step-io';
import type { DatasetReport, Rejection } from '../contracts/dataset-report';
import type { LabelRegistry } from './label-registry';
import type { DatasetLine } from './normalize-line';
import type { SplitPlan } from './split';

/** Rejections listed one by one in the report; the rest are only counted (keeps memory bounded). */
const DEFAULT_REJECTED_LIST_LIMIT = 10_000;

const BINS = 10;

const bin = (confidence: number): number => Math.min(BINS - 1, Math.max(0, Math.floor(confidence * BINS)));

const add = (map: Map<number, number>, key: number, delta: number): void => {
  map.set(key, (map.get(key) ?? 0) + delta);
};

/** Facts about the run that the conversion itself does not know. */
export interface ReportContext {
  source: string;
  generatedAt: string;
  labelAttributeName?: string;
  bucket?: string;
  testFraction: number;
  minConfidence: number;
  labelCounters?: LabelCounters;
  labelingJob?: Record<string, unknown>;
}

/**
 * Accumulates the conversion's statistics in memory proportional to the number of labels, not
 * lines; rejections beyond `listLimit` are counted by reason but not listed.
 */
export class DatasetReportBuilder {
  private lines = 0;
  private droppedBoxes = 0;
  private rejectedTotal = 0;
  private readonly rejected: Rejection[] = [];
  private readonly byReason = new Map<string, number>();
  private readonly boxesPerLabel = new Map<number, number>();
  private readonly imagesPerLabel = new Map<number, number>();
  private human = 0;
  private machine = 0;
  private readonly confidence = { human: new Array<number>(BINS).fill(0), machine: new Array<number>(BINS).fill(0) };

  constructor(private readonly listLimit = DEFAULT_REJECTED_LIST_LIMIT) {}

  /** Counts one record read from the input. */
  countRecord(): void {
    this.lines += 1;
  }

  /** Records a dropped line or (with `box`) a dropped box. */
  reject(rejection: Rejection): void {
    this.rejectedTotal += 1;
    if (rejection.box !== undefined) this.droppedBoxes += 1;
    this.byReason.set(rejection.code, (this.byReason.get(rejection.code) ?? 0) + 1);
    if (this.rejected.length < this.listLimit) this.rejected.push(rejection);
  }

  /** Adds a kept line to the statistics, or takes it out again (`sign` −1) when found to be a duplicate. */
  addLine(line: DatasetLine, sign: 1 | -1): void {
    const who = line.humanAnnotated === 'yes' ? 'human' : 'machine';
    if (who === 'human') this.human += sign;
    else this.machine += sign;
    const bins = this.confidence[who];
    const { boxes } = line;
    for (let i = 0; i < boxes.length; i += 1) {
      const box = boxes[i] as DatasetLine['boxes'][number];
      add(this.boxesPerLabel, box.labelId, sign);
      const b = bin(box.confidence);
      bins[b] = (bins[b] ?? 0) + sign;
      // An image counts once per label: only at the label's first box on the line.
      let first = true;
      for (let j = 0; j < i && first; j += 1)
        first = (boxes[j] as DatasetLine['boxes'][number]).labelId !== box.labelId;
      if (first) add(this.imagesPerLabel, box.labelId, sign);
    }
  }

  build(context: ReportContext, plan: SplitPlan, registry: LabelRegistry): DatasetReport {
    const named = (map: Map<number, number>): Record<string, number> =>
      Object.fromEntries([...map].filter(([, n]) => n > 0).map(([id, n]) => [registry.nameOf(id), n]));
    const labels = named(this.boxesPerLabel);
    const split = Object.fromEntries([...plan.perLabel].map(([id, counts]) => [registry.nameOf(id), counts]));
    const accepted = plan.train + plan.test;
    return {
      ...context,
      lines: this.lines,
      accepted,
      rejectedLines: this.lines - accepted,
      boxes: Object.values(labels).reduce((sum, n) => sum + n, 0),
      droppedBoxes: this.droppedBoxes,
      labels,
      labelImages: named(this.imagesPerLabel),
      humanAnnotated: this.human,
      machineAnnotated: this.machine,
      confidence: { human: [...this.confidence.human], machine: [...this.confidence.machine] },
      train: plan.train,
      test: plan.test,
      split,
      rejectedByReason: Object.fromEntries(this.byReason),
      rejected: [...this.rejected].sort((a, b) => a.line - b.line || (a.box ?? -1) - (b.box ?? -1)),
      rejectedListLimit: this.listLimit,
      rejectedTotal: this.rejectedTotal,
      warnings: warningsFor(plan, Object.keys(labels).length),
      blockers: [],
    };
  }
}

/**
 * Dataset-level conditions that make training weak; the ones Rekognition refuses are `blockers`
 * (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html).
 */
const warningsFor = (plan: SplitPlan, labelCount: number): string[] => {
  const warnings: string[] = [];
  if (plan.train + plan.test > 0 && plan.test === 0) {
    warnings.push('the test set is empty: no label has 2 or more images; Rekognition needs a test dataset');
  }
  if (labelCount === 1) warnings.push('only 1 label: Rekognition documents a lower bound of 2 labels in one place');
  const singles = [...plan.perLabel.values()].filter((c) => c.test === 0).length;
  if (singles > 0 && plan.test > 0) warnings.push(`${singles} label(s) have too few images to appear in test`);
  return warnings;
};
