import { boxOf, type LabeledShape, labelOf } from '../../web/src/lib/answer';
import { BoxEditor, type BoxStore } from '../../web/src/lib/box-editing';
import type { Box } from '../../web/src/lib/geometry';

/** The boxes in memory, with an undo history of whole states (Annotorious keeps one in the page). */
class MemoryStore implements BoxStore {
  shapes: LabeledShape[] = [];
  selectedId: string | undefined;
  private past: LabeledShape[][] = [];
  private future: LabeledShape[][] = [];
  private n = 0;

  private change(next: LabeledShape[]): void {
    this.past.push(this.shapes);
    this.future = [];
    this.shapes = next;
  }
  list = () => this.shapes;
  selected = () => this.shapes.find((s) => s.id === this.selectedId);
  byId = (id: string) => this.shapes.find((s) => s.id === id);
  add(box: Box, label: string): string {
    const id = `box-${++this.n}`;
    const geometry = { x: box.left, y: box.top, w: box.width, h: box.height };
    this.change([
      ...this.shapes,
      { id, bodies: [{ purpose: 'tagging', value: label }], target: { selector: { geometry } } },
    ]);
    this.selectedId = id;
    return id;
  }
  setLabel(id: string, label: string): void {
    this.change(this.shapes.map((s) => (s.id === id ? { ...s, bodies: [{ purpose: 'tagging', value: label }] } : s)));
  }
  setBox(id: string, b: Box): void {
    const geometry = { x: b.left, y: b.top, w: b.width, h: b.height };
    this.change(this.shapes.map((s) => (s.id === id ? { ...s, target: { selector: { geometry } } } : s)));
  }
  remove(id: string): void {
    this.change(this.shapes.filter((s) => s.id !== id));
  }
  select(id: string): void {
    this.selectedId = id;
  }
  deselect(): void {
    this.selectedId = undefined;
  }
  undo(): void {
    const previous = this.past.pop();
    if (!previous) return;
    this.future.push(this.shapes);
    this.shapes = previous;
  }
  redo(): void {
    const next = this.future.pop();
    if (!next) return;
    this.past.push(this.shapes);
    this.shapes = next;
  }
}

const setup = () => {
  const store = new MemoryStore();
  const view = {
    image: () => ({ width: 400, height: 200 }),
    visible: () => ({ left: 0, top: 0, width: 400, height: 200 }),
  };
  return { store, editor: new BoxEditor(['acme', 'globex', 'initech'], store, view) };
};

describe('box editing by key', () => {
  it('B makes a box a quarter of the view in its middle, with the label chosen by number', () => {
    const { store, editor } = setup();
    editor.apply({ type: 'label', index: 1 });
    editor.apply({ type: 'newBox' });
    const [made] = store.list();
    expect(made && labelOf(made)).toBe('globex');
    expect(made && boxOf(made)).toEqual({ left: 150, top: 75, width: 100, height: 50 });
    expect(store.selected()?.id).toBe(made?.id);
  });

  it('moves and resizes the selected box, stopping at the edges of the image; a move without a selection is left to the view', () => {
    const { store, editor } = setup();
    expect(editor.apply({ type: 'move', dx: 1, dy: 0 })).toBe(false);
    editor.apply({ type: 'newBox' });
    editor.apply({ type: 'move', dx: 500, dy: -3 });
    editor.apply({ type: 'resize', dw: 10, dh: 5 });
    const [moved] = store.list();
    expect(moved && boxOf(moved)).toEqual({ left: 300, top: 72, width: 100, height: 55 });
  });

  it('selects the next and previous box with ] and [, wrapping around', () => {
    const { store, editor } = setup();
    editor.apply({ type: 'newBox' });
    editor.apply({ type: 'newBox' });
    editor.apply({ type: 'newBox' });
    store.deselect();
    editor.apply({ type: 'selectNext', backwards: false });
    expect(store.selectedId).toBe('box-1');
    editor.apply({ type: 'selectNext', backwards: true });
    expect(store.selectedId).toBe('box-3');
    editor.apply({ type: 'selectNext', backwards: false });
    expect(store.selectedId).toBe('box-1');
  });

  it('labels the box drawn last while nothing is selected, and undoes and redoes a change', () => {
    const { store, editor } = setup();
    const id = store.add({ left: 1, top: 1, width: 20, height: 20 }, '');
    store.deselect();
    editor.lastDrawn = id;
    editor.apply({ type: 'label', index: 2 });
    expect(labelOf(store.list()[0] as LabeledShape)).toBe('initech');
    editor.apply({ type: 'undo' });
    expect(labelOf(store.list()[0] as LabeledShape)).toBe('');
    editor.apply({ type: 'redo' });
    expect(labelOf(store.list()[0] as LabeledShape)).toBe('initech');
  });

  it('"nothing to label" deletes every box; drawing again clears it', () => {
    const { store, editor } = setup();
    editor.apply({ type: 'newBox' });
    editor.apply({ type: 'nothingToLabel' });
    expect(store.list()).toEqual([]);
    expect(editor.nothingToLabel).toBe(true);
    const id = store.add({ left: 1, top: 1, width: 20, height: 20 }, '');
    editor.adopt(store.byId(id) as LabeledShape);
    expect(editor.nothingToLabel).toBe(false);
    expect(labelOf(store.byId(id) as LabeledShape)).toBe('acme');
  });

  it('Delete removes the selected box only', () => {
    const { store, editor } = setup();
    editor.apply({ type: 'newBox' });
    editor.apply({ type: 'newBox' });
    editor.apply({ type: 'delete' });
    expect(store.list().map((s) => s.id)).toEqual(['box-1']);
  });
});
