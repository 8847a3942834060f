/**
 * Between Annotorious's rectangles and the API's answer: labels ride in a `tagging` body, and the
 * answer is built from the rectangles snapped inside the image. Pure, unit-tested.
 */
import { type Box, type Size, snapBox } from './geometry';
import type { AnswerBody } from './resend-queue';

export interface RectGeometry {
  x: number;
  y: number;
  w: number;
  h: number;
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
}

/** The subset of an Annotorious annotation the page reads. */
export interface LabeledShape {
  id: string;
  bodies: { purpose?: string; value?: string }[];
  target: { selector: { type?: string; geometry: Partial<RectGeometry> } };
}

export const geometryOf = (box: Box): RectGeometry => ({
  x: box.left,
  y: box.top,
  w: box.width,
  h: box.height,
  bounds: { minX: box.left, minY: box.top, maxX: box.left + box.width, maxY: box.top + box.height },
});

export const boxOf = (shape: LabeledShape): Box => {
  const g = shape.target.selector.geometry;
  return { left: g.x ?? 0, top: g.y ?? 0, width: g.w ?? 0, height: g.h ?? 0 };
};

export const labelOf = (shape: LabeledShape): string | undefined =>
  shape.bodies.find((b) => b.purpose === 'tagging')?.value;

export const sameBox = (a: Box, b: Box): boolean =>
  a.left === b.left && a.top === b.top && a.width === b.width && a.height === b.height;

export type AnswerCheck = { ok: true; body: AnswerBody } | { ok: false; problem: string };

/**
 * The answer to send, or what stops it: no box without "nothing to label", a box without a
 * label. Boxes that snap to nothing (entirely outside the image) are left out.
 */
export const buildAnswer = (
  shapes: readonly LabeledShape[],
  image: Size,
  labels: readonly string[],
  nothingToLabel: boolean,
  durationMs: number,
): AnswerCheck => {
  const duration = Math.max(0, Math.min(24 * 3600 * 1000, Math.round(durationMs)));
  if (nothingToLabel) {
    return shapes.length === 0
      ? { ok: true, body: { boxes: [], nothingToLabel: true, durationMs: duration } }
      : { ok: false, problem: 'You marked "nothing to label" but drew boxes: delete them or press N again.' };
  }
  const boxes: AnswerBody['boxes'] = [];
  for (const [i, shape] of shapes.entries()) {
    const label = labelOf(shape);
    if (!label || !labels.includes(label)) {
      return { ok: false, problem: `Box ${i + 1} has no label: select it and press a number key.` };
    }
    const box = snapBox(boxOf(shape), image);
    if (box) boxes.push({ label, ...box });
  }
  if (boxes.length === 0) return { ok: false, problem: 'Draw a box around each object, or press N if there is none.' };
  if (boxes.length > 50) return { ok: false, problem: 'At most 50 boxes per image.' };
  return { ok: true, body: { boxes, nothingToLabel: false, durationMs: duration } };
};
