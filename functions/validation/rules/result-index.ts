import { ImageReason } from '../../kernel/rules/reason-codes';
import type { ValidationTotals } from '../contracts/validation-report';
import { compareKeys, contentIdentity } from './duplicates';
import type { InspectedObject } from './validation-report';

/** Where one inspected object's line sits in the reduce step's spool, and what its verdict needs. */
export interface IndexedObject {
  key: string;
  /** Byte offset and length of its JSON line in the spool. */
  offset: number;
  length: number;
  identity?: string;
  codes: readonly ImageReason[];
  /** An example image: skipped, neither accepted nor rejected. */
  skipped?: true;
}

/**
 * The reduce step's index over the map's results: one small entry per object (key, spool
 * position, reason codes), never the inspections themselves. Children finish in any order, so
 * duplicates are decided as `findDuplicates` does, by the smallest key in S3 listing order per
 * content identity; a hash-to-key map of 250,000 entries is a few tens of MB.
 */
export class ResultIndex {
  private readonly entries: IndexedObject[] = [];
  private readonly originals = new Map<string, string>();
  private sorted = false;

  /** Records one object read from a result file, spooled at `[offset, offset + length)`. */
  add(object: InspectedObject & { example?: true }, offset: number, length: number): void {
    if (object.example) {
      this.entries.push({ key: object.key, offset, length, codes: [ImageReason.EXAMPLE_IMAGE], skipped: true });
      return;
    }
    const codes = [...new Set(object.inspection.reasons.map((r) => r.code))];
    const checked = !codes.includes(ImageReason.NOT_CHECKED);
    const identity = checked ? contentIdentity(object.inspection.bytes, object.etag) : undefined;
    this.entries.push({ key: object.key, offset, length, codes, ...(identity === undefined ? {} : { identity }) });
    if (identity === undefined) return;
    const known = this.originals.get(identity);
    if (known === undefined || compareKeys(object.key, known) < 0) this.originals.set(identity, object.key);
  }

  get size(): number {
    return this.entries.length;
  }

  /** The original an object duplicates, if an earlier key (in listing order) has the same content. */
  originalOf(entry: IndexedObject): string | undefined {
    if (entry.identity === undefined) return undefined;
    const original = this.originals.get(entry.identity);
    return original === entry.key ? undefined : original;
  }

  /** Every object in S3 listing order (the order of validation.json). */
  ordered(): readonly IndexedObject[] {
    if (!this.sorted) this.entries.sort((a, b) => compareKeys(a.key, b.key));
    this.sorted = true;
    return this.entries;
  }

  /** The report's totals, as `tallyVerdicts` counts them, from the index alone. */
  totals(): ValidationTotals {
    const byReason: Record<string, number> = {};
    let accepted = 0;
    let skipped = 0;
    for (const entry of this.ordered()) {
      const codes = this.originalOf(entry) === undefined ? entry.codes : [...entry.codes, ImageReason.DUPLICATE];
      if (entry.skipped) skipped += 1;
      else if (codes.length === 0) accepted += 1;
      for (const code of codes) byReason[code] = (byReason[code] ?? 0) + 1;
    }
    const rejected = this.entries.length - accepted - skipped;
    return { total: this.entries.length, accepted, rejected, ...(skipped === 0 ? {} : { skipped }), byReason };
  }
}

/** The line the reduce step records for an object whose child batch failed: listed, never read. */
export const notCheckedObject = (
  key: string,
  size: number,
  etag: string | undefined,
  error: string,
): InspectedObject => ({
  key,
  ...(etag === undefined ? {} : { etag }),
  inspection: {
    format: null,
    width: null,
    height: null,
    orientation: null,
    bytes: size,
    reasons: [{ code: ImageReason.NOT_CHECKED, message: `not checked: its validation batch failed (${error})` }],
  },
});
