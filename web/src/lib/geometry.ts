/**
 * Box and view geometry of the task view, in the image's own pixels. Pure: no DOM, so the
 * rules are unit-tested and the page only converts pointer events through them.
 */

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Smallest box the page keeps, in image pixels (the API accepts ≥ 1 px; a stray click makes less). */
export const MIN_BOX_PIXELS = 2;

/**
 * The box snapped inside the image and onto whole pixels (Ground Truth's answers are whole
 * pixels), or null when what is left inside the image is smaller than MIN_BOX_PIXELS.
 * Negative width/height (a drag up or left) is normalised first.
 */
export const snapBox = (box: Box, image: Size, minPixels = MIN_BOX_PIXELS): Box | null => {
  const x1 = Math.min(box.left, box.left + box.width);
  const x2 = Math.max(box.left, box.left + box.width);
  const y1 = Math.min(box.top, box.top + box.height);
  const y2 = Math.max(box.top, box.top + box.height);
  const left = Math.round(clamp(x1, 0, image.width));
  const right = Math.round(clamp(x2, 0, image.width));
  const top = Math.round(clamp(y1, 0, image.height));
  const bottom = Math.round(clamp(y2, 0, image.height));
  if (right - left < minPixels || bottom - top < minPixels) return null;
  return { left, top, width: right - left, height: bottom - top };
};

/** Moves a box by (dx, dy) image pixels, keeping its size and stopping at the image's edges. */
export const moveBox = (box: Box, dx: number, dy: number, image: Size): Box => ({
  left: clamp(box.left + dx, 0, Math.max(0, image.width - box.width)),
  top: clamp(box.top + dy, 0, Math.max(0, image.height - box.height)),
  width: box.width,
  height: box.height,
});

/** Grows or shrinks a box from its right/bottom edge, never below MIN_BOX_PIXELS nor past the image. */
export const resizeBox = (box: Box, dw: number, dh: number, image: Size): Box => ({
  left: box.left,
  top: box.top,
  width: clamp(box.width + dw, MIN_BOX_PIXELS, image.width - box.left),
  height: clamp(box.height + dh, MIN_BOX_PIXELS, image.height - box.top),
});

/** A new box for keyboard-only drawing: a quarter of the visible part of the image, centred in it. */
export const boxInView = (visible: Box, image: Size): Box => {
  const width = Math.max(MIN_BOX_PIXELS, Math.round(visible.width / 4));
  const height = Math.max(MIN_BOX_PIXELS, Math.round(visible.height / 4));
  const left = Math.round(visible.left + (visible.width - width) / 2);
  const top = Math.round(visible.top + (visible.height - height) / 2);
  return snapBox({ left, top, width, height }, image, 1) ?? { left: 0, top: 0, width, height };
};

/** The view of the image: `scale` screen pixels per image pixel, image origin at (x, y) in the viewport. */
export interface View {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 16;

/** The image fitted (whole, centred) in the viewport, with a margin on every side. */
export const fitView = (viewport: Size, image: Size, margin = 16): View => {
  const scale = clamp(
    Math.min((viewport.width - 2 * margin) / image.width, (viewport.height - 2 * margin) / image.height),
    MIN_SCALE,
    MAX_SCALE,
  );
  return {
    scale,
    x: (viewport.width - image.width * scale) / 2,
    y: (viewport.height - image.height * scale) / 2,
  };
};

/** Zooms by `factor` keeping the viewport point (px, py) over the same image point (wheel zoom under the cursor). */
export const zoomAt = (view: View, factor: number, px: number, py: number): View => {
  const scale = clamp(view.scale * factor, MIN_SCALE, MAX_SCALE);
  const k = scale / view.scale;
  return { scale, x: px - (px - view.x) * k, y: py - (py - view.y) * k };
};

export const panBy = (view: View, dx: number, dy: number): View => ({ ...view, x: view.x + dx, y: view.y + dy });

/** Viewport point to image pixels. */
export const toImage = (view: View, px: number, py: number): { x: number; y: number } => ({
  x: (px - view.x) / view.scale,
  y: (py - view.y) / view.scale,
});

/** The part of the image visible in the viewport, in image pixels (clipped to the image). */
export const visibleImageRect = (view: View, viewport: Size, image: Size): Box => {
  const a = toImage(view, 0, 0);
  const b = toImage(view, viewport.width, viewport.height);
  const left = clamp(a.x, 0, image.width);
  const top = clamp(a.y, 0, image.height);
  return { left, top, width: clamp(b.x, 0, image.width) - left, height: clamp(b.y, 0, image.height) - top };
};

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));
