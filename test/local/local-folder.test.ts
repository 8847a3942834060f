import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFolder, printableName } from '../../local-runtime/run/local-folder';

describe('local-folder', () => {
  let root: string;
  let folder: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'local-folder-'));
    folder = join(root, 'images');
    mkdirSync(join(folder, 'nested', 'deeper'), { recursive: true });
    writeFileSync(join(folder, 'a.jpg'), 'a');
    writeFileSync(join(folder, 'nested', 'deeper', 'b.png'), 'bb');
    writeFileSync(join(folder, '.DS_Store'), 'x');
    writeFileSync(join(root, 'outside.jpg'), 'o');
    expect(spawnSync('mkfifo', [join(folder, 'fifo')]).status).toBe(0);
    symlinkSync(join(folder, 'fifo'), join(folder, 'link-to-fifo.jpg'));
    symlinkSync(join(root, 'outside.jpg'), join(folder, 'nested', 'out.jpg'));
    // A relative link that climbs out and back in stays inside: it is followed.
    symlinkSync('../images/a.jpg', join(folder, 'back-in.jpg'));
    // A link that climbs out through `..` is outside, however it is spelled.
    symlinkSync('../../outside.jpg', join(folder, 'nested', 'climb.jpg'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('lists regular files with their size and where to read them, and every other entry as skipped', async () => {
    const listing = await listFolder(folder);

    expect(listing.files.map((f) => [f.name, f.size])).toEqual([
      ['.DS_Store', 1],
      ['a.jpg', 1],
      ['back-in.jpg', 1],
      ['nested/deeper/b.png', 2],
    ]);
    expect(listing.files.find((f) => f.name === 'back-in.jpg')?.path).toMatch(/images\/a\.jpg$/);
    expect(listing.skipped.map((s) => [s.name, s.reason, s.message])).toEqual([
      ['fifo', 'NOT_A_REGULAR_FILE', 'a named pipe (FIFO), not an image file'],
      ['link-to-fifo.jpg', 'NOT_A_REGULAR_FILE', 'symbolic link to a named pipe (FIFO)'],
      ['nested/climb.jpg', 'SYMLINK_OUTSIDE_FOLDER', 'symbolic link to a file outside the folder (not followed)'],
      ['nested/out.jpg', 'SYMLINK_OUTSIDE_FOLDER', 'symbolic link to a file outside the folder (not followed)'],
    ]);
  });

  it('skips hidden files when asked, as a local run does', async () => {
    const listing = await listFolder(folder, { skipHidden: true });

    expect(listing.files.map((f) => f.name)).not.toContain('.DS_Store');
    expect(listing.skipped).toContainEqual({
      name: '.DS_Store',
      reason: 'HIDDEN_FILE',
      message: 'hidden file (the name starts with a dot)',
    });
  });

  it('escapes every character that could break a line, and the backslash, but nothing else', () => {
    expect(printableName('two\nlines.jpg')).toBe('two\\nlines.jpg');
    expect(printableName('a\rb\tc\\d')).toBe('a\\rb\\tc\\\\d');
    expect(printableName('bell\u0007 sep\u2028 nel\u0085 del\u007f')).toBe(
      'bell\\u0007 sep\\u2028 nel\\u0085 del\\u007f',
    );
    expect(printableName('street corner ü 東京 05.png')).toBe('street corner ü 東京 05.png');
  });
});
