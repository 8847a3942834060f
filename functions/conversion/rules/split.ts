import { RekognitionLimits } from './rekognition-rules';

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

export interface SplitOptions {
  /** Share of each label's images that goes to test (Rekognition's own auto-split uses 0.2). */
  testFraction: number;
  /** Cap per label (Rekognition: ≤ 1000 test images per label; https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html). */
  maxTestPerLabel?: number;
}

export interface LabelSplit {
  train: number;
  test: number;
}

export interface SplitPlan {
  assignment: Uint8Array;
  train: number;
  test: number;
  duplicates: number;
  /** Images per label id in each set. */
  perLabel: Map<number, LabelSplit>;
}

/**
 * Line indices in hash order (a fixed pseudo-random order that depends only on the images),
 * without repeated `source-ref`s: one sort of (truncated hash, index) keys serves both. Equal
 * full hashes sit in the same run of equal truncated hashes, lowest index first, so the first
 * line of an image is kept and later ones are marked `DUPLICATE`. The indices are written over
 * the sorted keys, so the order costs no second array.
 */
const hashOrder = (index: SplitIndex, assignment: Uint8Array): { order: Float64Array; duplicates: number } => {
  const indexBits = Math.max(1, Math.ceil(Math.log2(index.size + 1)));
  const slots = 2 ** indexBits;
  const slotMask = slots - 1;
  // A key is (hash mod 2^(53 - indexBits)) · slots + i, built from the hash's two 32-bit halves
  // with integer masks (indices are below 2^32): exactly the float `%` and `/` they replace.
  const highMask = indexBits <= 21 ? 2 ** (21 - indexBits) - 1 : 0;
  const lowMask = indexBits <= 21 ? -1 : 2 ** (53 - indexBits) - 1;
  const keys = new Float64Array(index.size);
  for (let i = 0; i < index.size; i += 1) {
    const hash = index.hashOf(i);
    const low = hash >>> 0;
    const high = (hash - low) / 4294967296;
    keys[i] = ((high & highMask) * 4294967296 + ((low & lowMask) >>> 0)) * slots + i;
  }
  keys.sort();
  let n = 0;
  let runKey = -1;
  // The current run's kept lines are keys[runStart, n): already overwritten with their indices.
  let runStart = 0;
  for (let k = 0; k < keys.length; k += 1) {
    const key = keys[k] ?? 0;
    // slots ≤ 2^32, so the index is the key's low bits; key − i stands for the truncated hash.
    const i = slots === 4294967296 ? key >>> 0 : (key >>> 0) & slotMask;
    const truncated = key - i;
    if (truncated !== runKey) {
      runKey = truncated;
      runStart = n;
    }
    const hash = index.hashOf(i);
    let duplicate = false;
    for (let j = runStart; j < n && !duplicate; j += 1) duplicate = index.hashOf(keys[j] ?? 0) === hash;
    if (duplicate) assignment[i] = Assignment.DUPLICATE;
    else keys[n++] = i;
  }
  return { order: keys.subarray(0, n), duplicates: index.size - n };
};

/** Per label, its lines in hash order (a compressed adjacency list). */
const linesByLabel = (
  index: SplitIndex,
  order: Float64Array,
  counts: Uint32Array,
): { starts: Uint32Array; lines: Uint32Array } => {
  const starts = new Uint32Array(counts.length + 1);
  for (let l = 0; l < counts.length; l += 1) starts[l + 1] = (starts[l] ?? 0) + (counts[l] ?? 0);
  const fill = starts.slice(0, counts.length);
  const lines = new Uint32Array(starts[counts.length] ?? 0);
  for (const i of order) {
    for (let k = 0, n = index.labelCountOf(i); k < n; k += 1) {
      const l = index.labelOf(i, k);
      const at = fill[l] ?? 0;
      lines[at] = i;
      fill[l] = at + 1;
    }
  }
  return { starts, lines };
};

/**
 * Splits lines into train and test, deterministically and stratified by label (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html):
 * each label with ≥ 2 images gets about `testFraction` of them in test (at least 1, at most
 * count − 1 and ≤ 1000), so every such label is in both sets; a label with 1 image stays in
 * train. Rarest labels pick first, walking their images in hash order; an image goes to test
 * only while none of its labels is over target (images that serve several short labels first;
 * then, if still short, over target but within the hard caps). Multi-label images can make the
 * goal unreachable (three labels on image pairs AB, BC, CA): the caps always hold, and a label
 * may then miss test. Repeated `source-ref`s keep their first line; the rest are `DUPLICATE`, so no image
 * is in both sets. The same images always give the same split, whatever their order.
 */
export const planSplit = (index: SplitIndex, options: SplitOptions): SplitPlan => {
  const maxTest = options.maxTestPerLabel ?? RekognitionLimits.MAX_TEST_IMAGES_PER_LABEL;
  const assignment = new Uint8Array(index.size);
  const { order, duplicates } = hashOrder(index, assignment);
  const counts = labelCounts(index, order);
  const cap = counts.map((c) => (c < 2 ? 0 : Math.min(c - 1, maxTest)));
  const target = counts.map((c, l) =>
    Math.min(cap[l] ?? 0, Math.max(c < 2 ? 0 : 1, Math.round(c * options.testFraction))),
  );
  const testCount = pickTest(index, { order, counts, target, cap }, assignment);
  const perLabel = new Map<number, LabelSplit>();
  counts.forEach((c, l) => {
    if (c > 0) perLabel.set(l, { train: c - (testCount[l] ?? 0), test: testCount[l] ?? 0 });
  });
  const test = assignment.reduce((sum, v) => sum + (v === Assignment.TEST ? 1 : 0), 0);
  return { assignment, train: order.length - test, test, duplicates, perLabel };
};

/** Images per label id among the lines in `order`. */
const labelCounts = (index: SplitIndex, order: Float64Array): Uint32Array => {
  let labelCount = 0;
  for (const i of order) {
    for (let k = 0, n = index.labelCountOf(i); k < n; k += 1)
      labelCount = Math.max(labelCount, index.labelOf(i, k) + 1);
  }
  const counts = new Uint32Array(labelCount);
  for (const i of order) {
    for (let k = 0, n = index.labelCountOf(i); k < n; k += 1) {
      const l = index.labelOf(i, k);
      counts[l] = (counts[l] ?? 0) + 1;
    }
  }
  return counts;
};

interface Quotas {
  order: Float64Array;
  counts: Uint32Array;
  target: Uint32Array;
  cap: Uint32Array;
}

/**
 * Marks test images in `assignment`, label by label from the rarest, and returns the test images
 * per label. Walks per label: images that help several short labels at once, then any image
 * within every label's target, then (if still short) any image within the hard caps.
 */
const pickTest = (index: SplitIndex, quotas: Quotas, assignment: Uint8Array): Uint32Array => {
  const { order, counts, target, cap } = quotas;
  const testCount = new Uint32Array(counts.length);
  const { starts, lines } = linesByLabel(index, order, counts);
  const fits = (i: number, limit: Uint32Array, shared: boolean): boolean => {
    const n = index.labelCountOf(i);
    if (shared && n <= 1) return false;
    for (let k = 0; k < n; k += 1) {
      const m = index.labelOf(i, k);
      if ((testCount[m] ?? 0) >= (limit[m] ?? 0)) return false;
    }
    return true;
  };
  const byRarity = [...counts.keys()].sort((a, b) => (counts[a] ?? 0) - (counts[b] ?? 0) || a - b);
  const walks: [Uint32Array, boolean][] = [
    [target, true],
    [target, false],
    [cap, false],
  ];
  for (const l of byRarity) {
    for (const [limit, shared] of walks) {
      for (let k = starts[l] ?? 0; k < (starts[l + 1] ?? 0) && (testCount[l] ?? 0) < (target[l] ?? 0); k += 1) {
        const i = lines[k] ?? 0;
        if (assignment[i] !== Assignment.TRAIN || !fits(i, limit, shared)) continue;
        assignment[i] = Assignment.TEST;
        for (let k = 0, n = index.labelCountOf(i); k < n; k += 1) {
          const m = index.labelOf(i, k);
          testCount[m] = (testCount[m] ?? 0) + 1;
        }
      }
    }
  }
  return testCount;
};
