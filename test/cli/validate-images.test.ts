import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable, validateFolder } from '../../cli/commands/validate-images';
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
      ['cut.jpg', false, 'jpeg', ['CORRUPT_IMAGE']],
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
      bytes: expect.any(Number),
      codes: [],
    });
  });

  it('exits non-zero with a clear message when the folder does not exist', () => {
    const missing = join(folder, 'no-such-folder');

    const run = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.cjs'), 'validate-images', missing], {
      encoding: 'utf8',
    });

    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`error: folder not found: ${missing}\n`);
  });
});
