import { DEFAULT_IOU_THRESHOLD, iou, type LabeledBox } from '../../../kernel/rules/boxes';

/**
 * Consolidates the answers of an image's labelers into one set of boxes (docs/consolidation.md):
 * 1. Every pair of boxes from two different labelers with IoU ≥ threshold is a candidate match.
 * 2. Candidates are merged best first into clusters; a merge is refused when it would put two
 *    boxes of one labeler in a cluster (each labeler votes once per object).
 * 3. A cluster is kept when a majority of the image's labelers (⌊n/2⌋+1, counting those who
 *    answered "nothing here") drew it; its label is the most voted (ties: alphabetical), its box
 *    the mean of its members' edges, rounded to whole pixels and kept inside the image.
 * 4. Confidence = (votes / n) × mean IoU of the members with the kept box, two decimals; 0 with a
 *    single labeler, as Ground Truth reports for one worker.
 * Deterministic and independent of the order of answers and of boxes within an answer.
 */

export interface LabelerAnswer {
  worker: string;
  boxes: readonly LabeledBox[];
}

export interface ConsolidatedBox extends LabeledBox {
  confidence: number;
  votes: number;
}

export interface ConsolidationOptions {
  iouThreshold?: number;
  width: number;
  height: number;
}

interface Member {
  worker: string;
  box: LabeledBox;
}

const compareBoxes = (a: LabeledBox, b: LabeledBox): number =>
  a.left - b.left || a.top - b.top || a.width - b.width || a.height - b.height || a.label.localeCompare(b.label);

/** All boxes with their labeler, in a canonical order (labeler, then geometry). */
const canonicalMembers = (answers: readonly LabelerAnswer[]): Member[] =>
  [...answers]
    .sort((a, b) => (a.worker < b.worker ? -1 : a.worker > b.worker ? 1 : 0))
    .flatMap((a) => [...a.boxes].sort(compareBoxes).map((box) => ({ worker: a.worker, box })));

interface Pair {
  i: number;
  j: number;
  v: number;
}

/** Every pair of boxes by different labelers that overlap at least `threshold`, the closest first. */
const overlappingPairs = (members: Member[], threshold: number): Pair[] => {
  const pairs: Pair[] = [];
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      const a = members[i] as Member;
      const b = members[j] as Member;
      if (a.worker === b.worker) continue;
      const v = iou(a.box, b.box);
      if (v > 0 && v >= threshold) pairs.push({ i, j, v });
    }
  }
  return pairs.sort((p, q) => q.v - p.v || p.i - q.i || p.j - q.j);
};

/** Union-find over member indexes, refusing unions that would repeat a labeler in one cluster. */
const cluster = (members: Member[], threshold: number): Member[][] => {
  const parent = members.map((_, i) => i);
  const workers = members.map((m) => new Set([m.worker]));
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r] as number;
    return r;
  };
  for (const { i, j } of overlappingPairs(members, threshold)) {
    const ri = root(i);
    const rj = root(j);
    if (ri === rj) continue;
    const wi = workers[ri] as Set<string>;
    const wj = workers[rj] as Set<string>;
    if ([...wj].some((w) => wi.has(w))) continue;
    parent[rj] = ri;
    for (const w of wj) wi.add(w);
  }
  const groups = new Map<number, Member[]>();
  members.forEach((m, i) => {
    const r = root(i);
    groups.set(r, [...(groups.get(r) ?? []), m]);
  });
  return [...groups.values()];
};

const majorityLabel = (members: Member[]): string => {
  const votes = new Map<string, number>();
  for (const m of members) votes.set(m.box.label, (votes.get(m.box.label) ?? 0) + 1);
  return [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] as string;
};

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
const mean = (values: number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

const meanBox = (members: Member[], width: number, height: number) => {
  const left = clamp(Math.round(mean(members.map((m) => m.box.left))), 0, width - 1);
  const top = clamp(Math.round(mean(members.map((m) => m.box.top))), 0, height - 1);
  const right = clamp(Math.round(mean(members.map((m) => m.box.left + m.box.width))), left + 1, width);
  const bottom = clamp(Math.round(mean(members.map((m) => m.box.top + m.box.height))), top + 1, height);
  return { left, top, width: right - left, height: bottom - top };
};

/** Majority of the labelers who answered the image. */
export const majorityOf = (labelers: number): number => Math.floor(labelers / 2) + 1;

export const consolidateImage = (
  answers: readonly LabelerAnswer[],
  { iouThreshold = DEFAULT_IOU_THRESHOLD, width, height }: ConsolidationOptions,
): ConsolidatedBox[] => {
  const n = answers.length;
  if (n === 0) return [];
  const needed = majorityOf(n);
  const kept = cluster(canonicalMembers(answers), iouThreshold)
    .filter((members) => members.length >= needed)
    .map((members) => {
      const box = { label: majorityLabel(members), ...meanBox(members, width, height) };
      const agreement = mean(members.map((m) => iou(m.box, box)));
      const confidence = n === 1 ? 0 : Math.round((members.length / n) * agreement * 100) / 100;
      return { ...box, confidence, votes: members.length };
    });
  return kept.sort(compareBoxes);
};
