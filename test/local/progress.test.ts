import { createProgress, renderBar } from '../../local-runtime/run/progress';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  return {
    isTTY,
    chunks,
    write(text: string) {
      chunks.push(text);
      return true;
    },
    get text() {
      return chunks.join('');
    },
  };
}

describe('renderBar', () => {
  it('renders done and total with a proportional bar', () => {
    expect(renderBar(12, 40)).toBe('[######..............] 12/40');
    expect(renderBar(0, 5, 10)).toBe('[..........] 0/5');
    expect(renderBar(5, 5, 10)).toBe('[##########] 5/5');
  });

  it('clamps out-of-range counts and shows an empty total as complete', () => {
    expect(renderBar(9, 5, 10)).toBe('[##########] 5/5');
    expect(renderBar(-1, 5, 10)).toBe('[..........] 0/5');
    expect(renderBar(0, 0, 4)).toBe('[####] 0/0');
  });
});

describe('createProgress on a terminal', () => {
  it('redraws the bar in place and ends the line when complete', () => {
    const stream = fakeStream(true);
    const progress = createProgress(stream);

    progress.bar('validating', 1, 4);
    progress.bar('validating', 4, 4);

    expect(stream.chunks).toEqual([
      '\r\u001b[2K  validating [#####...............] 1/4',
      '\r\u001b[2K  validating [####################] 4/4',
      '\n',
    ]);
  });

  it('moves to a new line before a state or info line interrupts an open bar', () => {
    const stream = fakeStream(true);
    const progress = createProgress(stream);

    progress.bar('uploading', 2, 10);
    progress.stateEntered('ValidateImages');
    progress.info('12 images accepted');

    expect(stream.text).toBe(
      '\r\u001b[2K  uploading [####................] 2/10\n▸ ValidateImages\n  12 images accepted\n',
    );
  });

  it('closes an open bar once, and does nothing when none is open', () => {
    const stream = fakeStream(true);
    const progress = createProgress(stream);

    progress.close();
    progress.bar('labeling', 1, 3);
    progress.close();
    progress.close();

    expect(stream.text).toBe('\r\u001b[2K  labeling [######..............] 1/3\n');
  });
});

describe('createProgress without a terminal', () => {
  it('writes plain lines without control characters, one per tenth of progress', () => {
    const stream = fakeStream(false);
    const progress = createProgress(stream);

    progress.stateEntered('PrepareRun');
    for (let done = 0; done <= 40; done += 1) progress.bar('uploading', done, 40);
    progress.info('done');
    const lines = stream.text.split('\n').filter((text) => text !== '');

    expect(stream.text).not.toContain('\u001b');
    expect(stream.text).not.toContain('\r');
    expect(lines[0]).toBe('▸ PrepareRun');
    expect(lines.filter((text) => text.startsWith('  uploading'))).toHaveLength(11);
    expect(lines).toContain('  uploading [##########..........] 20/40');
    expect(lines.at(-2)).toBe('  uploading [####################] 40/40');
    expect(lines.at(-1)).toBe('  done');
  });

  it('tracks each label separately', () => {
    const stream = fakeStream(false);
    const progress = createProgress(stream);

    progress.bar('a', 0, 2);
    progress.bar('b', 0, 2);
    progress.bar('a', 0, 2);

    expect(stream.chunks).toEqual(['  a [....................] 0/2\n', '  b [....................] 0/2\n']);
  });
});
