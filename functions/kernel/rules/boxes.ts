/**
 * Axis-aligned boxes in an image's pixels, top-left origin, as Ground Truth writes them. Shared
 * by the built-in backend's consolidation and the report's per-labeler agreement.
 */
export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface LabeledBox extends PixelBox {
  label: string;
}

/** Intersection over union (Jaccard index) of two boxes: 0 when apart, 1 when identical. */
export const iou = (a: PixelBox, b: PixelBox): number => {
  const w = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const h = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
};

/** The IoU from which two boxes count as the same object (CVAT's and the usual detection default). */
export const DEFAULT_IOU_THRESHOLD = 0.5;

/**
 * How far one labeler's boxes agree with the consolidated ones: matched pairs (same label, IoU at
 * or above the threshold, each box used once, best pairs first) as a Dice score,
 * `2·matched / (mine + consolidated)`; 1 when both are empty.
 */
export const boxAgreement = (
  mine: readonly LabeledBox[],
  consolidated: readonly LabeledBox[],
  threshold = DEFAULT_IOU_THRESHOLD,
): number => {
  if (mine.length + consolidated.length === 0) return 1;
  const pairs: { i: number; j: number; v: number }[] = [];
  mine.forEach((a, i) => {
    consolidated.forEach((b, j) => {
      const v = a.label === b.label ? iou(a, b) : 0;
      if (v >= threshold && v > 0) pairs.push({ i, j, v });
    });
  });
  pairs.sort((p, q) => q.v - p.v || p.i - q.i || p.j - q.j);
  const usedMine = new Set<number>();
  const usedTheirs = new Set<number>();
  let matched = 0;
  for (const p of pairs) {
    if (usedMine.has(p.i) || usedTheirs.has(p.j)) continue;
    usedMine.add(p.i);
    usedTheirs.add(p.j);
    matched += 1;
  }
  return (2 * matched) / (mine.length + consolidated.length);
};
