import { actionFor, keyHelp } from '../../web/src/lib/keymap';

describe('task view keys', () => {
  it.each([
    [{ key: 'Enter' }, { type: 'submit' }],
    [{ key: 'n' }, { type: 'nothingToLabel' }],
    [{ key: 'S', shiftKey: true }, { type: 'skip' }],
    [
      { key: '3', code: 'Digit3' },
      { type: 'label', index: 2 },
    ],
    [
      { key: '&', code: 'Digit1', shiftKey: false },
      { type: 'label', index: 0 },
    ],
    [
      { key: '9', code: 'Numpad9' },
      { type: 'label', index: 8 },
    ],
    [{ key: 'b' }, { type: 'newBox' }],
    [{ key: ']' }, { type: 'selectNext', backwards: false }],
    [{ key: '[' }, { type: 'selectNext', backwards: true }],
    [{ key: 'h' }, { type: 'toggleBoxes' }],
    [{ key: 'ArrowLeft' }, { type: 'move', dx: -1, dy: 0 }],
    [
      { key: 'ArrowDown', shiftKey: true },
      { type: 'move', dx: 0, dy: 10 },
    ],
    [
      { key: 'ArrowRight', altKey: true },
      { type: 'resize', dw: 1, dh: 0 },
    ],
    [
      { key: 'ArrowUp', altKey: true, shiftKey: true },
      { type: 'resize', dw: 0, dh: -10 },
    ],
    [{ key: 'Delete' }, { type: 'delete' }],
    [{ key: 'Backspace' }, { type: 'delete' }],
    [{ key: 'z', ctrlKey: true }, { type: 'undo' }],
    [{ key: 'z', metaKey: true }, { type: 'undo' }],
    [{ key: 'Z', ctrlKey: true, shiftKey: true }, { type: 'redo' }],
    [{ key: 'y', ctrlKey: true }, { type: 'redo' }],
    [{ key: 'Escape' }, { type: 'deselect' }],
    [{ key: '+', shiftKey: true }, { type: 'zoomIn' }],
    [{ key: '=' }, { type: 'zoomIn' }],
    [{ key: '-' }, { type: 'zoomOut' }],
    [{ key: '0', code: 'Digit0' }, { type: 'fit' }],
    [{ key: 'i' }, { type: 'instructions' }],
    [{ key: '?', shiftKey: true }, { type: 'help' }],
  ])('%j is %j', (key, action) => {
    expect(actionFor(key)).toEqual(action);
  });

  it('leaves the browser its own shortcuts', () => {
    expect(actionFor({ key: 'r', ctrlKey: true })).toBeNull();
    expect(actionFor({ key: 'c', ctrlKey: true })).toBeNull();
    expect(actionFor({ key: 's' })).toBeNull();
    expect(actionFor({ key: '1', ctrlKey: true, code: 'Digit1' })).toBeNull();
  });

  it('leaves Tab and Shift+Tab to move the focus (no keyboard trap)', () => {
    expect(actionFor({ key: 'Tab' })).toBeNull();
    expect(actionFor({ key: 'Tab', shiftKey: true })).toBeNull();
  });

  it('lists every binding in the help, each with a description', () => {
    const help = keyHelp();
    expect(help.map((h) => h.keys)).toEqual(
      expect.arrayContaining(['Enter', 'N', 'Shift+S', '1 – 9', 'Ctrl+Z', 'Ctrl+Shift+Z / Ctrl+Y', '?']),
    );
    for (const entry of help) expect(entry.what.length).toBeGreaterThan(3);
  });
});
