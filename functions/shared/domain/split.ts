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

const grow = <T extends Float64Array | Uint32Array | Uint16Array>(
  array: T,
  needed: number,
  make: (n: number) => T,
): T => {
  if (needed <= array.length) return array;
  const next = make(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
};

/**
 * What the split needs per accepted line, in typed arrays: a 53-bit hash of its `source-ref`,
 * its distinct label ids and the input line it came from (for reports). Memory is
 * 8 + 4 + 4 + 2×labels bytes per line (about 20 MB for a million lines), whatever the line length.
 */
export class SplitIndex {
  private hashes = new Float64Array(1024);
  private lineNumbers = new Uint32Array(1024);
  private starts = new Uint32Array(1025);
  private labels = new Uint16Array(2048);
  private count = 0;

  /** Records one line; returns its index (lines are numbered in the order added). */
  add(hash: number, labelIds: readonly number[], lineNumber = 0): number {
    const distinct = [...new Set(labelIds)];
    const index = this.count;
    this.hashes = grow(this.hashes, index + 1, (n) => new Float64Array(n));
    this.lineNumbers = grow(this.lineNumbers, index + 1, (n) => new Uint32Array(n));
    this.lineNumbers[index] = lineNumber;
    this.starts = grow(this.starts, index + 2, (n) => new Uint32Array(n));
    const from = this.starts[index] ?? 0;
    this.labels = grow(this.labels, from + distinct.length, (n) => new Uint16Array(n));
    this.hashes[index] = hash;
    this.labels.set(distinct, from);
    this.starts[index + 1] = from + distinct.length;
    this.count += 1;
    return index;
  }

  get size(): number {
    return this.count;
  }

  /** The input line number given to `add`. */
  lineNumberOf(index: number): number {
    return this.lineNumbers[index] ?? 0;
  }

  hashOf(index: number): number {
    return this.hashes[index] ?? 0;
  }

  labelsOf(index: number): Uint16Array {
    return this.labels.subarray(this.starts[index] ?? 0, this.starts[index + 1] ?? 0);
  }
}

export interface SplitOptions {
  /** Share of each label's images that goes to test (Rekognition's own auto-split uses 0.2). */
  testFraction: number;
  /** Cap per label (Rekognition: ≤ 1000 test images per label; aws-facts §6). */
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
 * line of an image is kept and later ones are marked `DUPLICATE`.
 */
const hashOrder = (index: SplitIndex, assignment: Uint8Array): { order: Uint32Array; duplicates: number } => {
  const indexBits = Math.max(1, Math.ceil(Math.log2(index.size + 1)));
  const slots = 2 ** indexBits;
  const hashRange = 2 ** (53 - indexBits);
  const keys = new Float64Array(index.size);
  for (let i = 0; i < index.size; i += 1) keys[i] = (index.hashOf(i) % hashRange) * slots + i;
  keys.sort();
  const order = new Uint32Array(index.size);
  let n = 0;
  let runStart = 0;
  for (let k = 0; k < keys.length; k += 1) {
    const key = keys[k] ?? 0;
    const i = key % slots;
    if (Math.floor(key / slots) !== Math.floor((keys[runStart] ?? 0) / slots)) runStart = k;
    const hash = index.hashOf(i);
    // Fast path: a run is almost always one image repeated; other truncated-hash collisions are rare.
    let repeated = k > runStart && index.hashOf((keys[runStart] ?? 0) % slots) === hash;
    for (let j = runStart + 1; j < k && !repeated; j += 1) repeated = index.hashOf((keys[j] ?? 0) % slots) === hash;
    if (repeated) assignment[i] = Assignment.DUPLICATE;
    else order[n++] = i;
  }
  return { order: order.subarray(0, n), duplicates: index.size - n };
};

/** Per label, its lines in hash order (a compressed adjacency list). */
const linesByLabel = (
  index: SplitIndex,
  order: Uint32Array,
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
 * Splits lines into train and test, deterministically and stratified by label (aws-facts §6):
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
const labelCounts = (index: SplitIndex, order: Uint32Array): Uint32Array => {
  let labelCount = 0;
  for (const i of order) for (const l of index.labelsOf(i)) labelCount = Math.max(labelCount, l + 1);
  const counts = new Uint32Array(labelCount);
  for (const i of order) for (const l of index.labelsOf(i)) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
};

interface Quotas {
  order: Uint32Array;
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
