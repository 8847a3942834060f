/**
 * The split's input: each line's image hash and label ids, stored in typed blocks so 250,000
 * lines cost a few MB (see `split.ts` for the split itself).
 */

/** Where a line goes. */
export const Assignment = { TRAIN: 0, TEST: 1, DUPLICATE: 2 } as const;
export type Assignment = (typeof Assignment)[keyof typeof Assignment];

/**
 * cyrb53: a fast 53-bit string hash (public domain). Used for the split order and to spot
 * duplicate images, so the split depends only on the images' `source-ref`s, never on RNG state.
 */
export const hashSourceRef = (text: string): number => {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
};

/** Entries per storage block: 64 Ki, so a block is at most 512 KiB. */
const BLOCK_BITS = 16;
const BLOCK = 1 << BLOCK_BITS;
const SLOT_MASK = BLOCK - 1;

/** A line's label count is stored in one byte. */
const MAX_LABELS_PER_LINE = 255;

/** Writes the first 255 distinct ids, in the order first seen, to `into`; returns how many. */
const distinctIds = (labelIds: readonly number[], into: number[]): number => {
  let n = 0;
  for (const id of labelIds) {
    if (n === MAX_LABELS_PER_LINE) break;
    let seen = false;
    for (let k = 0; k < n && !seen; k += 1) seen = into[k] === id;
    if (!seen) into[n++] = id;
  }
  return n;
};

/**
 * What the split needs per accepted line: a 53-bit hash of its `source-ref` and its distinct
 * label ids, about 8 + 4 + 1 + 2×labels bytes per line (some 18 MB for a million lines),
 * whatever the line length. Storage grows in fixed blocks rather than by doubling and copying:
 * no transient second copy, and freed memory is not left fragmented between ever larger arrays.
 */
export class SplitIndex {
  private readonly hashes: Float64Array[] = [];
  private readonly positions: Uint32Array[] = [];
  private readonly lengths: Uint8Array[] = [];
  private readonly labels: Uint16Array[] = [];
  private labelEnd = 0;
  private count = 0;
  /** Reused for each line's distinct ids: a Set per line was most of `add`'s cost. */
  private readonly scratch: number[] = [];

  /** Records one line; returns its index (lines are numbered in the order added). */
  add(hash: number, labelIds: readonly number[]): number {
    const distinct = this.scratch;
    const length = distinctIds(labelIds, distinct);
    const index = this.count;
    const block = Math.floor(index / BLOCK);
    const slot = index % BLOCK;
    if (slot === 0) {
      this.hashes.push(new Float64Array(BLOCK));
      this.positions.push(new Uint32Array(BLOCK));
      this.lengths.push(new Uint8Array(BLOCK));
    }
    // A line's labels never straddle two label blocks.
    if (this.labelEnd % BLOCK === 0 || (this.labelEnd % BLOCK) + length > BLOCK) {
      this.labelEnd = this.labels.length * BLOCK;
      this.labels.push(new Uint16Array(BLOCK));
    }
    const labels = this.labels[this.labels.length - 1] as Uint16Array;
    for (let k = 0; k < length; k += 1) labels[(this.labelEnd % BLOCK) + k] = distinct[k] ?? 0;
    (this.hashes[block] as Float64Array)[slot] = hash;
    (this.positions[block] as Uint32Array)[slot] = this.labelEnd;
    (this.lengths[block] as Uint8Array)[slot] = length;
    this.labelEnd += length;
    this.count += 1;
    return index;
  }

  get size(): number {
    return this.count;
  }

  // Indices are below 2^32, so the block and slot come from shifts and masks: `%` on a number
  // V8 cannot prove to be an integer costs a floating-point remainder, per visit.
  hashOf(index: number): number {
    return this.hashes[index >>> BLOCK_BITS]?.[index & SLOT_MASK] ?? 0;
  }

  /** How many distinct labels line `index` has. */
  labelCountOf(index: number): number {
    return this.lengths[index >>> BLOCK_BITS]?.[index & SLOT_MASK] ?? 0;
  }

  /** The `k`-th of `labelsOf(index)`, without a view per call: the split's loops visit every line's labels. */
  labelOf(index: number, k: number): number {
    const position = (this.positions[index >>> BLOCK_BITS]?.[index & SLOT_MASK] ?? 0) + k;
    return this.labels[position >>> BLOCK_BITS]?.[position & SLOT_MASK] ?? 0;
  }

  labelsOf(index: number): Uint16Array {
    const position = this.positions[index >>> BLOCK_BITS]?.[index & SLOT_MASK] ?? 0;
    const length = this.labelCountOf(index);
    const labels = this.labels[position >>> BLOCK_BITS] ?? new Uint16Array(0);
    return labels.subarray(position & SLOT_MASK, (position & SLOT_MASK) + length);
  }
}
