import { panBy, type View, zoomAt } from '../../lib/geometry';

/** Where the view lives: read it, replace it (the canvas redraws). */
export interface ViewHolder {
  readonly stage: HTMLElement;
  view: View;
  applyView(): void;
}

/**
 * Pan with Space+drag or the middle button, zoom with the wheel under the pointer. Captures the
 * pointer before Annotorious sees it, so a pan never draws a box. Returns the cleanup.
 */
export const attachPanZoom = (holder: ViewHolder): (() => void) => {
  const { stage } = holder;
  let spaceDown = false;
  let pan: { x: number; y: number } | null = null;
  const down = (event: PointerEvent) => {
    if (!(event.button === 1 || (event.button === 0 && spaceDown))) return;
    event.preventDefault();
    event.stopPropagation();
    pan = { x: event.clientX, y: event.clientY };
    stage.setPointerCapture(event.pointerId);
    stage.classList.add('panning');
  };
  const move = (event: PointerEvent) => {
    if (!pan) return;
    holder.view = panBy(holder.view, event.clientX - pan.x, event.clientY - pan.y);
    pan = { x: event.clientX, y: event.clientY };
    holder.applyView();
  };
  const end = () => {
    pan = null;
    stage.classList.remove('panning');
  };
  const wheel = (event: WheelEvent) => {
    event.preventDefault();
    const rect = stage.getBoundingClientRect();
    const factor = Math.exp(-event.deltaY / 500);
    holder.view = zoomAt(holder.view, factor, event.clientX - rect.left, event.clientY - rect.top);
    holder.applyView();
  };
  const keyDown = (event: KeyboardEvent) => {
    if (event.key === ' ' && !event.repeat) spaceDown = true;
  };
  const keyUp = (event: KeyboardEvent) => {
    if (event.key === ' ') spaceDown = false;
  };
  stage.addEventListener('pointerdown', down, { capture: true });
  stage.addEventListener('pointermove', move);
  stage.addEventListener('pointerup', end);
  stage.addEventListener('pointercancel', end);
  stage.addEventListener('wheel', wheel, { passive: false });
  window.addEventListener('keydown', keyDown, { capture: true });
  window.addEventListener('keyup', keyUp);
  return () => {
    window.removeEventListener('keydown', keyDown, { capture: true });
    window.removeEventListener('keyup', keyUp);
  };
};
