/**
 * What the keys do to the boxes of the image on screen, without the DOM: label, new box, select,
 * move, resize, delete, undo, "nothing to label". The boxes live behind `BoxStore` (Annotorious in
 * the page, an in-memory store in the unit tests).
 */
import { boxOf, type LabeledShape, labelOf } from './answer';
import { type Box, boxInView, moveBox, resizeBox, type Size } from './geometry';
import type { Action } from './keymap';

export interface BoxStore {
  list(): LabeledShape[];
  selected(): LabeledShape | undefined;
  byId(id: string): LabeledShape | undefined;
  /** Adds a labeled box and selects it. */
  add(box: Box, label: string): string;
  setLabel(id: string, label: string): void;
  setBox(id: string, box: Box): void;
  remove(id: string): void;
  select(id: string): void;
  deselect(): void;
  undo(): void;
  redo(): void;
}

/** Where the boxes are drawn: the image's size and the part of it in view. */
export interface EditView {
  image(): Size;
  visible(): Box;
}

export type EditAction = Extract<
  Action,
  { type: 'nothingToLabel' | 'undo' | 'redo' | 'delete' | 'label' | 'newBox' | 'selectNext' | 'resize' | 'move' }
>;

const EDITS = new Set<Action['type']>([
  'nothingToLabel',
  'undo',
  'redo',
  'delete',
  'label',
  'newBox',
  'selectNext',
  'resize',
  'move',
]);

export const isEdit = (action: Action): action is EditAction => EDITS.has(action.type);

export class BoxEditor {
  /** The label a drawn box gets, and that number keys set while nothing is selected. */
  nextLabel = 0;
  nothingToLabel = false;
  /** The box drawn last, which a number key labels while nothing is selected. */
  lastDrawn: string | null = null;

  constructor(
    private readonly labels: readonly string[],
    private readonly store: BoxStore,
    private readonly view: EditView,
  ) {}

  /** A new image: nothing drawn yet. */
  reset(): void {
    this.nothingToLabel = false;
    this.lastDrawn = null;
  }

  /** The label of the selected box, else the one the next box gets (as an index into the labels). */
  activeLabel(): number {
    const selected = this.store.selected();
    return selected ? this.labels.indexOf(labelOf(selected) ?? '') : this.nextLabel;
  }

  /** A box the person just drew: it gets the next label unless it has one. */
  adopt(shape: LabeledShape): void {
    this.nothingToLabel = false;
    if (!labelOf(shape)) this.store.setLabel(shape.id, this.labels[this.nextLabel] ?? this.labels[0] ?? '');
  }

  /**
   * Applies an edit. Returns false for a move without a selected box: the view pans instead.
   */
  apply(action: EditAction): boolean {
    const current = this.store.selected();
    switch (action.type) {
      case 'nothingToLabel':
        return this.toggleNothing();
      case 'undo':
        this.store.undo();
        return true;
      case 'redo':
        this.store.redo();
        return true;
      case 'delete':
        if (current) this.store.remove(current.id);
        return true;
      case 'label':
        return this.label(action.index, current);
      case 'newBox':
        return this.newBox();
      case 'selectNext':
        return this.selectNext(action.backwards, current);
      case 'resize':
        if (current) this.store.setBox(current.id, resizeBox(boxOf(current), action.dw, action.dh, this.view.image()));
        return true;
      case 'move':
        if (!current) return false;
        this.store.setBox(current.id, moveBox(boxOf(current), action.dx, action.dy, this.view.image()));
        return true;
    }
  }

  private toggleNothing(): boolean {
    this.nothingToLabel = !this.nothingToLabel;
    if (this.nothingToLabel) for (const shape of this.store.list()) this.store.remove(shape.id);
    return true;
  }

  private label(index: number, current: LabeledShape | undefined): boolean {
    const label = this.labels[index];
    if (label === undefined) return true;
    const target = current ?? (this.lastDrawn ? this.store.byId(this.lastDrawn) : undefined);
    if (target) this.store.setLabel(target.id, label);
    this.nextLabel = index;
    return true;
  }

  private newBox(): boolean {
    const image = this.view.image();
    const box = boxInView(this.view.visible(), image);
    this.store.add(box, this.labels[this.nextLabel] ?? this.labels[0] ?? '');
    this.nothingToLabel = false;
    return true;
  }

  private selectNext(backwards: boolean, current: LabeledShape | undefined): boolean {
    const list = this.store.list();
    if (list.length === 0) return true;
    const at = current ? list.findIndex((x) => x.id === current.id) : -1;
    const start = at === -1 && backwards ? 0 : at;
    const next = list[(start + (backwards ? -1 : 1) + list.length) % list.length];
    if (next) this.store.select(next.id);
    return true;
  }
}
