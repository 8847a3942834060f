import { RekognitionLimits } from './rekognition-rules';

import { Assignment, type SplitIndex } from './split-index';

export { Assignment, hashSourceRef, SplitIndex } from './split-index';

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
  const { keys, slots } = sortedKeys(index);
  const n = keepFirstOfEachImage(index, keys, slots, assignment);
  return { order: keys.subarray(0, n), duplicates: index.size - n };
};

/** The (truncated hash, index) keys of every line, sorted, and the number of index slots in a key. */
const sortedKeys = (index: SplitIndex): { keys: Float64Array; slots: number } => {
  const indexBits = Math.max(1, Math.ceil(Math.log2(index.size + 1)));
  const slots = 2 ** indexBits;
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
  return { keys, slots };
};

/** Whether one of the kept lines keys[from, to) has the full hash `hash`. */
const seenIn = (index: SplitIndex, keys: Float64Array, from: number, to: number, hash: number): boolean => {
  for (let j = from; j < to; j += 1) if (index.hashOf(keys[j] ?? 0) === hash) return true;
  return false;
};

/**
 * Overwrites the sorted keys with the indices of the lines kept (the first of each image) and
 * marks the others `DUPLICATE`; returns how many were kept.
 */
const keepFirstOfEachImage = (index: SplitIndex, keys: Float64Array, slots: number, assignment: Uint8Array): number => {
  const slotMask = slots - 1;
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
    if (seenIn(index, keys, runStart, n, index.hashOf(i))) assignment[i] = Assignment.DUPLICATE;
    else keys[n++] = i;
  }
  return n;
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
  const picker = new TestPicker(index, assignment, counts.length);
  const { starts, lines } = linesByLabel(index, order, counts);
  const byRarity = [...counts.keys()].sort((a, b) => (counts[a] ?? 0) - (counts[b] ?? 0) || a - b);
  const walks: [Uint32Array, boolean][] = [
    [target, true],
    [target, false],
    [cap, false],
  ];
  for (const l of byRarity) {
    for (const [limit, shared] of walks) {
      const wanted = target[l] ?? 0;
      for (let k = starts[l] ?? 0; k < (starts[l + 1] ?? 0) && picker.count(l) < wanted; k += 1) {
        picker.tryTake(lines[k] ?? 0, limit, shared);
      }
    }
  }
  return picker.testCount;
};

/** The test images picked so far, per label, and the rule for taking one more. */
class TestPicker {
  readonly testCount: Uint32Array;

  constructor(
    private readonly index: SplitIndex,
    private readonly assignment: Uint8Array,
    labels: number,
  ) {
    this.testCount = new Uint32Array(labels);
  }

  count(label: number): number {
    return this.testCount[label] ?? 0;
  }

  /** Whether every label of line `i` is below `limit`; `shared` wants lines of two labels or more. */
  private fits(i: number, limit: Uint32Array, shared: boolean): boolean {
    const n = this.index.labelCountOf(i);
    if (shared && n <= 1) return false;
    for (let k = 0; k < n; k += 1) {
      const m = this.index.labelOf(i, k);
      if (this.count(m) >= (limit[m] ?? 0)) return false;
    }
    return true;
  }

  /** Moves line `i` from train to test when it fits. */
  tryTake(i: number, limit: Uint32Array, shared: boolean): void {
    if (this.assignment[i] !== Assignment.TRAIN || !this.fits(i, limit, shared)) return;
    this.assignment[i] = Assignment.TEST;
    for (let k = 0, n = this.index.labelCountOf(i); k < n; k += 1) {
      const m = this.index.labelOf(i, k);
      this.testCount[m] = this.count(m) + 1;
    }
  }
}
