import { createImageAnnotator, type ImageAnnotation, type ImageAnnotator } from '@annotorious/annotorious';
import '@annotorious/annotorious/annotorious.css';
import { boxOf, geometryOf, type LabeledShape, labelOf, sameBox } from '../../lib/answer';
import type { Task } from '../../lib/api';
import type { BoxStore } from '../../lib/box-editing';
import { colorOf } from '../../lib/colors';
import { h } from '../../lib/dom';
import { type Box, fitView, panBy, type Size, snapBox, type View, visibleImageRect, zoomAt } from '../../lib/geometry';
import { attachPanZoom } from './pan-zoom';

const asShape = (a: ImageAnnotation): LabeledShape => a as unknown as LabeledShape;

/** What the canvas tells the view: a box was drawn by hand, or the boxes changed in any way. */
export interface CanvasHooks {
  drawn(shape: LabeledShape): void;
  changed(): void;
}

const labeled = (id: string, label: string) => [
  { id: `${id}-label`, annotation: id, purpose: 'tagging', value: label },
];

/** The image on screen and its boxes (Annotorious), with zoom, pan and a name tag on every box. */
export class TaskCanvas implements BoxStore {
  readonly canvas = h('div', { class: 'canvas' });
  readonly tags = h('div', { class: 'box-tags', 'aria-hidden': 'true' });
  readonly zoomLabel = h('span', { class: 'zoom', 'aria-live': 'off' });
  readonly stage = h(
    'section',
    { class: 'stage', tabindex: 0, 'aria-label': 'Image to label. Press ? for the keys.', id: 'stage' },
    this.canvas,
  );
  view: View = { scale: 1, x: 0, y: 0 };
  private annotator: ImageAnnotator | null = null;
  private task: Task | null = null;
  /** The box B just made: it stays selected, for the arrow keys. */
  private keyedBox: string | null = null;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly labels: readonly string[],
    private readonly hooks: CanvasHooks,
  ) {
    this.cleanups.push(attachPanZoom(this));
    const resize = new ResizeObserver(() => this.fit());
    resize.observe(this.stage);
    this.cleanups.push(() => resize.disconnect());
  }

  destroy(): void {
    for (const cleanup of this.cleanups) cleanup();
    this.clear();
  }

  clear(): void {
    this.annotator?.destroy();
    this.annotator = null;
    this.task = null;
  }

  image(): Size {
    return { width: this.task?.width ?? 1, height: this.task?.height ?? 1 };
  }

  show(task: Task, imageCount: number): void {
    this.clear();
    this.task = task;
    const img = h('img', {
      src: task.imageUrl,
      alt: `Image ${Number(task.taskId) + 1} of ${imageCount}`,
      draggable: 'false',
      id: 'task-image',
      'data-task-id': task.taskId,
    });
    this.canvas.replaceChildren(img);
    this.annotator = this.annotate(img);
    // One tab stop for the image (the stage): Annotorious's layer would be a second one, and Tab
    // must leave the image in one press (the keys work from the stage; see keymap.ts).
    this.canvas.querySelector('.a9s-annotationlayer')?.setAttribute('tabindex', '-1');
    this.canvas.append(this.tags);
    this.fit();
  }

  private annotate(img: HTMLImageElement): ImageAnnotator {
    const annotator = createImageAnnotator(img, {
      drawingEnabled: true,
      drawingMode: 'drag',
      style: (a: ImageAnnotation) => {
        const c = colorOf(this.labels, labelOf(asShape(a)));
        return { fill: c, fillOpacity: 0.12, stroke: c, strokeWidth: 2.5 };
      },
    });
    annotator.setDrawingTool('rectangle');
    // A drawn box: labelled, snapped and deselected right after Annotorious selects it (it stops
    // drawing while a box is selected, so the next drag would only deselect). A box made with B
    // stays selected. Annotorious hands events over a moment later: read the store's version.
    annotator.state.store.observe(({ changes }) => {
      for (const created of changes.created ?? []) {
        if (created.id === this.keyedBox) continue;
        queueMicrotask(() => this.adopt(created.id, true));
      }
    });
    annotator.on('createAnnotation', (a) => this.adopt(a.id, false));
    annotator.on('updateAnnotation', (a) => this.snap(a.id));
    annotator.on('deleteAnnotation', () => this.hooks.changed());
    annotator.on('selectionChanged', () => this.hooks.changed());
    annotator.state.store.observe(() => this.hooks.changed());
    return annotator;
  }

  private adopt(id: string, deselect: boolean): void {
    const shape = this.byId(id);
    if (!shape) return;
    this.hooks.drawn(shape);
    this.snap(id);
    if (deselect && this.annotator?.getSelected()[0]?.id === id) this.annotator.cancelSelected();
  }

  /** Keeps a drawn or edited box inside the image on whole pixels; drops one that ends up too small. */
  private snap(id: string): void {
    const shape = this.byId(id);
    if (shape) {
      const box = boxOf(shape);
      const snapped = snapBox(box, this.image());
      if (!snapped) this.remove(id);
      else if (!sameBox(box, snapped)) this.setBox(id, snapped);
    }
    this.hooks.changed();
  }

  // ---- BoxStore ----------------------------------------------------------------------------
  list(): LabeledShape[] {
    return (this.annotator?.getAnnotations() ?? []).map(asShape);
  }
  selected(): LabeledShape | undefined {
    const a = this.annotator?.getSelected()[0];
    return a ? asShape(a) : undefined;
  }
  byId(id: string): LabeledShape | undefined {
    const a = this.annotator?.getAnnotationById(id);
    return a ? asShape(a) : undefined;
  }
  add(box: Box, label: string): string {
    const id = crypto.randomUUID();
    this.keyedBox = id;
    this.annotator?.state.store.addAnnotation({
      id,
      bodies: labeled(id, label),
      target: { annotation: id, selector: { type: 'RECTANGLE', geometry: geometryOf(box) } },
    } as unknown as ImageAnnotation);
    this.select(id);
    return id;
  }
  setLabel(id: string, label: string): void {
    const a = this.annotator?.getAnnotationById(id);
    if (a) this.annotator?.state.store.updateAnnotation({ ...a, bodies: labeled(id, label) } as ImageAnnotation);
  }
  setBox(id: string, box: Box): void {
    const a = this.annotator?.getAnnotationById(id);
    if (!a) return;
    const selector = { ...a.target.selector, geometry: geometryOf(box) };
    this.annotator?.state.store.updateAnnotation({ ...a, target: { ...a.target, selector } } as ImageAnnotation);
  }
  remove(id: string): void {
    this.annotator?.state.store.deleteAnnotation(id);
  }
  select(id: string): void {
    this.annotator?.setSelected(id, true);
  }
  deselect(): void {
    this.annotator?.cancelSelected();
  }
  undo(): void {
    this.annotator?.undo();
  }
  redo(): void {
    this.annotator?.redo();
  }

  // ---- view --------------------------------------------------------------------------------
  viewport(): Size {
    return { width: this.stage.clientWidth, height: this.stage.clientHeight };
  }
  visible(): Box {
    return visibleImageRect(this.view, this.viewport(), this.image());
  }
  applyView(): void {
    const { scale, x, y } = this.view;
    this.canvas.style.transform = `translate(${x}px, ${y}px)`;
    const img = this.canvas.querySelector('img');
    if (img && this.task) {
      img.style.width = `${this.task.width * scale}px`;
      img.style.height = `${this.task.height * scale}px`;
    }
    this.zoomLabel.textContent = `${Math.round(scale * 100)}%`;
    this.drawTags();
  }
  fit(): void {
    if (!this.task) return;
    this.view = fitView(this.viewport(), this.image());
    this.applyView();
  }
  pan(dx: number, dy: number): void {
    this.view = panBy(this.view, dx, dy);
    this.applyView();
  }
  zoom(factor: number): void {
    const v = this.viewport();
    this.view = zoomAt(this.view, factor, v.width / 2, v.height / 2);
    this.applyView();
  }
  /** H: the boxes and their tags out of the way, to see the image under them. */
  toggleBoxes(): boolean {
    return this.stage.classList.toggle('boxes-hidden');
  }

  /** The label's name over each box's top-left corner, in the box's colour on a dark plate. */
  drawTags(): void {
    const { scale } = this.view;
    this.tags.replaceChildren(
      ...this.list().map((shape) => {
        const b = boxOf(shape);
        const label = labelOf(shape) ?? 'no label';
        const style = `left:${b.left * scale}px;top:${b.top * scale}px;--c:${colorOf(this.labels, labelOf(shape))}`;
        return h('span', { class: 'box-tag', style }, label);
      }),
    );
  }
}
