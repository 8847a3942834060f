import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable, validateFolder } from '../../cli/commands/validate-images';
import { hostileImages } from '../fixtures/hostile-images';
import { jpegFrameOffset, jpegImage, pngImage } from '../fixtures/images';

const ROOT = join(__dirname, '..', '..');

describe('validate-images command', () => {
  let folder: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'validate-images-'));
    const photo = jpegImage(320, 240);
    const cut = jpegImage(320, 240);
    mkdirSync(join(folder, 'sub dir'));
    writeFileSync(join(folder, 'batch.json'), '{"labels":["acme"]}');
    writeFileSync(join(folder, 'photo.jpg'), photo);
    writeFileSync(join(folder, 'sub dir', 'photo copy.jpg'), photo);
    writeFileSync(join(folder, 'really-a-png.jpg'), pngImage(100, 100));
    writeFileSync(join(folder, 'readme.jpg'), 'this is text');
    writeFileSync(join(folder, 'cut.jpg'), cut.subarray(0, jpegFrameOffset(cut)));
    writeFileSync(join(folder, 'wide.png'), pngImage(10_000, 100));
    writeFileSync(join(folder, 'empty.png'), '');
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('applies the pipeline checks to every file and finds copies by content', async () => {
    const rows = await validateFolder(folder);

    expect(rows.map((r) => [r.file, r.ok, r.format, r.codes])).toEqual([
      ['cut.jpg', false, 'jpeg', ['TRUNCATED_IMAGE']],
      ['empty.png', false, null, ['EMPTY_FILE']],
      ['photo.jpg', true, 'jpeg', []],
      ['readme.jpg', false, null, ['UNSUPPORTED_FORMAT']],
      ['really-a-png.jpg', true, 'png', []],
      ['sub dir/photo copy.jpg', false, 'jpeg', ['DUPLICATE']],
      ['wide.png', false, 'png', ['TOO_LARGE', 'ASPECT_RATIO']],
    ]);
    expect(rows.find((r) => r.file === 'wide.png')).toMatchObject({ width: 10_000, height: 100 });
  });

  it('prints a table with a totals line', async () => {
    const table = formatTable(await validateFolder(folder));

    expect(table.split('\n')[0]).toMatch(/^FILE\s+RESULT\s+FORMAT\s+PIXELS\s+BYTES\s+REASONS$/);
    expect(table).toMatch(/wide\.png\s+rejected\s+png\s+10000x100\s+\d+\s+TOO_LARGE,ASPECT_RATIO/);
    expect(table.trimEnd().split('\n').pop()).toBe('7 files: 2 accepted, 5 rejected');
  });

  it('prints JSON rows and exits 0 through the real command, whatever the verdicts', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.cjs'), 'validate-images', folder, '--json'], {
      encoding: 'utf8',
    });

    expect(run.status).toBe(0);
    const rows = JSON.parse(run.stdout);
    expect(rows).toHaveLength(7);
    expect(rows[2]).toEqual({
      file: 'photo.jpg',
      ok: true,
      format: 'jpeg',
      width: 320,
      height: 240,
      orientation: 1,
      bytes: expect.any(Number),
      codes: [],
      reasons: [],
    });
    expect(rows.find((r: { file: string }) => r.file === 'sub dir/photo copy.jpg')).toMatchObject({
      codes: ['DUPLICATE'],
      reasons: [{ code: 'DUPLICATE', message: 'identical to photo.jpg (same ETag and size)' }],
      duplicateOf: 'photo.jpg',
    });
    expect(rows.find((r: { file: string }) => r.file === 'wide.png').reasons).toEqual([
      { code: 'TOO_LARGE', message: expect.stringContaining('10000') },
      { code: 'ASPECT_RATIO', message: expect.any(String) },
    ]);
  });

  it('lists the reason codes and skip reasons in --help', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.cjs'), 'validate-images', '--help'], {
      encoding: 'utf8',
    });

    for (const code of ['TRUNCATED_IMAGE', 'CORRUPT_IMAGE', 'SYMLINK_OUTSIDE_FOLDER', 'NOT_A_REGULAR_FILE']) {
      expect(run.stdout).toContain(code);
    }
  });

  it('exits non-zero with a clear message when the folder does not exist', () => {
    const missing = join(folder, 'no-such-folder');

    const run = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.cjs'), 'validate-images', missing], {
      encoding: 'utf8',
    });

    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: folder not found: ${missing}\n`);
  });

  it('says a file is a file, not a missing folder', () => {
    const file = join(folder, 'photo.jpg');

    const run = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.cjs'), 'validate-images', file], {
      encoding: 'utf8',
    });

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${file} is a file, not a folder`);
    expect(run.stderr).not.toContain('not found');
  });

  describe('with hostile files', () => {
    let hostile: string;
    let outside: string;

    beforeAll(() => {
      hostile = mkdtempSync(join(tmpdir(), 'validate-hostile-'));
      outside = mkdtempSync(join(tmpdir(), 'validate-outside-'));
      for (const [name, { body }] of Object.entries(hostileImages())) writeFileSync(join(hostile, name), body);
      writeFileSync(join(hostile, 'good.jpg'), jpegImage(320, 240));
      writeFileSync(join(hostile, 'portrait.jpg'), jpegImage(800, 600, { orientation: 6, seed: 2 }));
      writeFileSync(join(hostile, 'two\nlines.jpg'), jpegImage(100, 100, { seed: 3 }));
      writeFileSync(join(outside, 'secret.jpg'), jpegImage(100, 100, { seed: 4 }));
      mkdirSync(join(hostile, 'sub'));
      symlinkSync(join(outside, 'secret.jpg'), join(hostile, 'link-outside.jpg'));
      symlinkSync(join(hostile, 'good.jpg'), join(hostile, 'sub', 'link-inside.jpg'));
      symlinkSync(join(hostile, 'sub'), join(hostile, 'link-to-folder'));
      symlinkSync(join(hostile, 'missing.jpg'), join(hostile, 'broken.jpg'));
      const fifo = spawnSync('mkfifo', [join(hostile, 'pipe.jpg')]);
      if (fifo.status !== 0) throw new Error('mkfifo is needed for this test');
    });

    afterAll(() => {
      rmSync(hostile, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    });

    it('rejects truncated and corrupt images, and lists links and FIFOs as skipped with a reason', async () => {
      const rows = await validateFolder(hostile);

      expect(rows.map((r) => [r.file, r.ok, r.codes, r.skipped !== undefined])).toEqual([
        ['broken.jpg', false, ['BROKEN_SYMLINK'], true],
        ['good.jpg', true, [], false],
        ['jpeg-cut-after-sof.jpg', false, ['TRUNCATED_IMAGE'], false],
        ['jpeg-cut-at-2000.jpg', false, ['TRUNCATED_IMAGE'], false],
        ['link-outside.jpg', false, ['SYMLINK_OUTSIDE_FOLDER'], true],
        ['link-to-folder', false, ['SYMLINK_TO_FOLDER'], true],
        ['pipe.jpg', false, ['NOT_A_REGULAR_FILE'], true],
        ['png-bad-ihdr-crc.png', false, ['CORRUPT_IMAGE'], false],
        ['png-cut-at-200.png', false, ['TRUNCATED_IMAGE'], false],
        ['png-signature-and-ihdr.png', false, ['TRUNCATED_IMAGE'], false],
        ['portrait.jpg', true, [], false],
        // A link to a file inside the folder is followed: the same bytes as good.jpg.
        ['sub/link-inside.jpg', false, ['DUPLICATE'], false],
        ['two\nlines.jpg', true, [], false],
      ]);
      expect(rows.find((r) => r.file === 'pipe.jpg')?.skipped).toBe('a named pipe (FIFO), not an image file');
      expect(rows.find((r) => r.file === 'portrait.jpg')).toMatchObject({ width: 600, height: 800, orientation: 6 });
    });

    it('keeps every file on its own table row, escaping a newline in a name', async () => {
      const table = formatTable(await validateFolder(hostile));
      const lines = table.split('\n');

      expect(lines).toHaveLength(1 + 13 + 2);
      expect(table).toMatch(/^two\\nlines\.jpg\s+ok\s/m);
      expect(table).toMatch(/^portrait\.jpg\s+ok\s+jpeg\s+600x800 \(EXIF 6\)/m);
      expect(table).toMatch(/^link-outside\.jpg\s+skipped\s+-\s+-\s+-\s+SYMLINK_OUTSIDE_FOLDER: symbolic link/m);
      expect(lines.at(-1)).toBe('9 files: 3 accepted, 6 rejected; 4 skipped (not regular files in the folder)');
    });

    it('never blocks on a FIFO: the real command ends and prints JSON', () => {
      const run = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.cjs'), 'validate-images', hostile, '--json'], {
        encoding: 'utf8',
        timeout: 30_000,
      });

      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toContainEqual(
        expect.objectContaining({ file: 'pipe.jpg', codes: ['NOT_A_REGULAR_FILE'], skipped: expect.any(String) }),
      );
    });
  });
});
