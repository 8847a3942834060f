/**
 * Every key of the task view, in one table: the handler dispatches from it and the `?` overlay
 * lists it, so a key cannot exist without being documented. Pure: takes the fields of a KeyboardEvent.
 */

export type Action =
  | { type: 'submit' }
  | { type: 'skip' }
  | { type: 'nothingToLabel' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'delete' }
  | { type: 'label'; index: number }
  | { type: 'newBox' }
  | { type: 'selectNext'; backwards: boolean }
  | { type: 'deselect' }
  | { type: 'move'; dx: number; dy: number }
  | { type: 'resize'; dw: number; dh: number }
  | { type: 'zoomIn' }
  | { type: 'zoomOut' }
  | { type: 'fit' }
  | { type: 'help' }
  | { type: 'instructions' }
  | { type: 'toggleBoxes' };

export interface KeyInput {
  key: string;
  code?: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}

interface Binding {
  keys: string;
  what: string;
  match: (k: KeyInput, mod: boolean) => Action | null;
}

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

const digit = (k: KeyInput): number | null => {
  const fromCode = /^(?:Digit|Numpad)([1-9])$/.exec(k.code ?? '');
  const d = fromCode?.[1] ?? (/^[1-9]$/.test(k.key) ? k.key : null);
  return d === null ? null : Number(d) - 1;
};

const plain = (k: KeyInput, mod: boolean) => !mod && !k.altKey;

const BINDINGS: Binding[] = [
  {
    keys: 'Enter',
    what: 'Submit the answer and go to the next image',
    match: (k, mod) => (k.key === 'Enter' && !mod ? { type: 'submit' } : null),
  },
  {
    keys: 'N',
    what: 'Nothing to label here (toggle)',
    match: (k, mod) => (plain(k, mod) && k.key.toLowerCase() === 'n' ? { type: 'nothingToLabel' } : null),
  },
  {
    keys: 'Shift+S',
    what: 'Skip this image (you will not get it again)',
    match: (k, mod) => (plain(k, mod) && k.shiftKey && k.key.toLowerCase() === 's' ? { type: 'skip' } : null),
  },
  {
    keys: '1 – 9',
    what: 'Label of the selected box, or of the next box you draw',
    match: (k, mod) => {
      const d = plain(k, mod) ? digit(k) : null;
      return d === null ? null : { type: 'label', index: d };
    },
  },
  {
    keys: 'B',
    what: 'New box in the middle of the view (then arrows and Alt+arrows)',
    match: (k, mod) => (plain(k, mod) && k.key.toLowerCase() === 'b' ? { type: 'newBox' } : null),
  },
  {
    // Not Tab: Tab moves the focus, as everywhere else (the side panel and header stay reachable).
    keys: '] / [',
    what: 'Select the next / previous box',
    match: (k, mod) => {
      if (mod || k.altKey) return null;
      if (k.key === ']') return { type: 'selectNext', backwards: false };
      return k.key === '[' ? { type: 'selectNext', backwards: true } : null;
    },
  },
  {
    keys: 'Arrows (Shift: ×10)',
    what: 'Move the selected box by one image pixel',
    match: (k, mod) => {
      const d = ARROWS[k.key];
      if (!d || mod || k.altKey) return null;
      const step = k.shiftKey ? 10 : 1;
      return { type: 'move', dx: d[0] * step, dy: d[1] * step };
    },
  },
  {
    keys: 'Alt+Arrows (Shift: ×10)',
    what: 'Resize the selected box from its right and bottom edges',
    match: (k, mod) => {
      const d = ARROWS[k.key];
      if (!d || mod || !k.altKey) return null;
      const step = k.shiftKey ? 10 : 1;
      return { type: 'resize', dw: d[0] * step, dh: d[1] * step };
    },
  },
  {
    keys: 'Delete / Backspace',
    what: 'Delete the selected box',
    match: (k, mod) => ((k.key === 'Delete' || k.key === 'Backspace') && !mod ? { type: 'delete' } : null),
  },
  {
    keys: 'Ctrl+Z',
    what: 'Undo',
    match: (k, mod) => (mod && !k.shiftKey && k.key.toLowerCase() === 'z' ? { type: 'undo' } : null),
  },
  {
    keys: 'Ctrl+Shift+Z / Ctrl+Y',
    what: 'Redo',
    match: (k, mod) =>
      mod && ((k.shiftKey && k.key.toLowerCase() === 'z') || k.key.toLowerCase() === 'y') ? { type: 'redo' } : null,
  },
  {
    keys: 'Escape',
    what: 'Deselect the box, or close this help',
    match: (k) => (k.key === 'Escape' ? { type: 'deselect' } : null),
  },
  {
    keys: '+ / −, mouse wheel',
    what: 'Zoom in / out (the wheel zooms under the pointer)',
    match: (k, mod) => {
      if (mod) return null;
      if (k.key === '+' || k.key === '=') return { type: 'zoomIn' };
      if (k.key === '-' || k.key === '_') return { type: 'zoomOut' };
      return null;
    },
  },
  {
    keys: '0',
    what: 'Fit the image to the window',
    match: (k, mod) => (plain(k, mod) && (k.key === '0' || k.code === 'Digit0') ? { type: 'fit' } : null),
  },
  {
    keys: 'H',
    what: 'Hide or show the boxes (to see the image under them)',
    match: (k, mod) => (plain(k, mod) && k.key.toLowerCase() === 'h' ? { type: 'toggleBoxes' } : null),
  },
  {
    keys: 'I',
    what: 'Show the instructions and examples in full',
    match: (k, mod) => (plain(k, mod) && k.key.toLowerCase() === 'i' ? { type: 'instructions' } : null),
  },
  {
    keys: '?',
    what: 'Show or hide this list of keys',
    match: (k, mod) => (k.key === '?' && !mod ? { type: 'help' } : null),
  },
];

/** Pointer gestures, listed in the help next to the keys. */
export const POINTER_HELP: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: 'Drag on the image', what: 'Draw a box' },
  { keys: 'Click a box, drag it or its handles', what: 'Select, move, resize' },
  { keys: 'Space+drag, or middle-button drag', what: 'Pan' },
];

/** The action of a key press, or null when the key is not ours (the browser keeps it). */
export const actionFor = (k: KeyInput): Action | null => {
  const mod = Boolean(k.ctrlKey || k.metaKey);
  for (const binding of BINDINGS) {
    const action = binding.match(k, mod);
    if (action) return action;
  }
  return null;
};

/** Every key and what it does, in the order the help overlay shows them. */
export const keyHelp = (): ReadonlyArray<{ keys: string; what: string }> =>
  BINDINGS.map(({ keys, what }) => ({ keys, what }));
