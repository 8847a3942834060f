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
const BLOCK = 1 << 16;

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

  /** Records one line; returns its index (lines are numbered in the order added). */
  add(hash: number, labelIds: readonly number[]): number {
    const distinct = [...new Set(labelIds)].slice(0, 255);
    const index = this.count;
    const [block, slot] = [Math.floor(index / BLOCK), index % BLOCK];
    if (slot === 0) {
      this.hashes.push(new Float64Array(BLOCK));
      this.positions.push(new Uint32Array(BLOCK));
      this.lengths.push(new Uint8Array(BLOCK));
    }
    // A line's labels never straddle two label blocks.
    if (this.labelEnd % BLOCK === 0 || (this.labelEnd % BLOCK) + distinct.length > BLOCK) {
      this.labelEnd = this.labels.length * BLOCK;
      this.labels.push(new Uint16Array(BLOCK));
    }
    this.labels[this.labels.length - 1]?.set(distinct, this.labelEnd % BLOCK);
    (this.hashes[block] as Float64Array)[slot] = hash;
    (this.positions[block] as Uint32Array)[slot] = this.labelEnd;
    (this.lengths[block] as Uint8Array)[slot] = distinct.length;
    this.labelEnd += distinct.length;
    this.count += 1;
    return index;
  }

  get size(): number {
    return this.count;
  }

  hashOf(index: number): number {
    return this.hashes[Math.floor(index / BLOCK)]?.[index % BLOCK] ?? 0;
  }

  labelsOf(index: number): Uint16Array {
    const block = Math.floor(index / BLOCK);
    const slot = index % BLOCK;
    const position = this.positions[block]?.[slot] ?? 0;
    const length = this.lengths[block]?.[slot] ?? 0;
    const labels = this.labels[Math.floor(position / BLOCK)] ?? new Uint16Array(0);
    return labels.subarray(position % BLOCK, (position % BLOCK) + length);
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
  const hashRange = 2 ** (53 - indexBits);
  const keys = new Float64Array(index.size);
  for (let i = 0; i < index.size; i += 1) keys[i] = (index.hashOf(i) % hashRange) * slots + i;
  keys.sort();
  let n = 0;
  let runKey = -1;
  let run: number[] = [];
  for (let k = 0; k < keys.length; k += 1) {
    const key = keys[k] ?? 0;
    const i = key % slots;
    const truncated = Math.floor(key / slots);
    if (truncated !== runKey) {
      runKey = truncated;
      run = [];
    }
    const hash = index.hashOf(i);
    if (run.some((j) => index.hashOf(j) === hash)) assignment[i] = Assignment.DUPLICATE;
    else {
      run.push(i);
      keys[n++] = i;
    }
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
    for (const l of index.labelsOf(i)) {
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
  for (const i of order) for (const l of index.labelsOf(i)) labelCount = Math.max(labelCount, l + 1);
  const counts = new Uint32Array(labelCount);
  for (const i of order) for (const l of index.labelsOf(i)) counts[l] = (counts[l] ?? 0) + 1;
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
    const labels = index.labelsOf(i);
    return (!shared || labels.length > 1) && labels.every((m) => (testCount[m] ?? 0) < (limit[m] ?? 0));
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
        for (const m of index.labelsOf(i)) testCount[m] = (testCount[m] ?? 0) + 1;
      }
    }
  }
  return testCount;
};
