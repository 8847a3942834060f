import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertManifestFile, formatSummary } from '../../cli/commands/convert';
import { DatasetReport } from '../../functions/conversion/contracts/dataset-report';
import { validateRekognitionManifest } from '../../local-runtime/stand-ins/rekognition-manifest';
import { BUCKET, gtText } from '../fixtures/gt-line';
import { generateOutputLines } from '../fixtures/gt-output-generator';
import { QUIRKS_MANIFEST } from '../fixtures/memory-ports';

const BIN = join(__dirname, '..', '..', 'cli', 'bin.cjs');

const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'convert', ...args], { encoding: 'utf8' });

const manifestLines = (path: string) => readFileSync(path, 'utf8').split('\n');

describe('convert command', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'convert-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes train/test manifests, report.json and report.html for the quirks fixture', async () => {
    const out = join(dir, 'out');

    const report = await convertManifestFile(QUIRKS_MANIFEST, { out, minConfidence: 0.5 });

    expect(report).toMatchObject({ lines: 22, accepted: 8, labelAttributeName: 'bounding-box', minConfidence: 0.5 });
    expect(DatasetReport.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')))).toEqual(report);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('Dataset report');
    const train = validateRekognitionManifest(manifestLines(join(out, 'train.manifest')));
    const test = validateRekognitionManifest(manifestLines(join(out, 'test.manifest')));
    expect([train.invalid, test.invalid]).toEqual([[], []]);
    expect(train.entries + test.entries).toBe(8);
  });

  it('uses the given label attribute, so lines labeled under another name are unusable, and names the one the file uses', async () => {
    await expect(convertManifestFile(QUIRKS_MANIFEST, { out: dir, labelAttribute: 'logos' })).rejects.toMatchObject({
      name: 'NoDatasetProduced',
      message: expect.stringContaining('LABEL_ATTRIBUTE_MISMATCH'),
    });
    await expect(convertManifestFile(QUIRKS_MANIFEST, { out: dir, labelAttribute: 'logos' })).rejects.toThrow(
      'labeled under "bounding-box", the label attribute this file uses, not the given "logos"',
    );
    expect(existsSync(join(dir, 'report.json'))).toBe(true);
    expect(existsSync(join(dir, 'train.manifest'))).toBe(false);
  });

  it('splits a generated manifest the same way on every run', async () => {
    const input = join(dir, 'output.manifest');
    writeFileSync(input, `${[...generateOutputLines({ count: 500 })].join('\n')}\n`);

    await convertManifestFile(input, { out: join(dir, 'a'), testFraction: 0.25 });
    await convertManifestFile(input, { out: join(dir, 'b'), testFraction: 0.25 });

    expect(readFileSync(join(dir, 'a', 'test.manifest'))).toEqual(readFileSync(join(dir, 'b', 'test.manifest')));
    expect(readFileSync(join(dir, 'a', 'train.manifest'))).toEqual(readFileSync(join(dir, 'b', 'train.manifest')));
  });

  it('summarizes labels, drops and warnings in a few lines', async () => {
    const report = await convertManifestFile(QUIRKS_MANIFEST, { out: dir });

    const summary = formatSummary(report, dir);

    expect(summary).toContain('22 lines read, 9 images accepted');
    expect(summary).toMatch(/acme: \d+ train \/ \d+ test, 5 boxes/);
    expect(summary).toContain('DUPLICATE_IMAGE: 1');
  });

  it('says "1 box" and "1 line", not "1 boxes"', async () => {
    const report = await convertManifestFile(QUIRKS_MANIFEST, { out: dir });

    const summary = formatSummary(
      { ...report, lines: 1, accepted: 1, boxes: 1, labels: { acme: 1 }, split: { acme: { train: 1, test: 0 } } },
      dir,
    );

    expect(summary).toContain('1 line read, 1 image accepted');
    expect(summary).toMatch(/, 1 box\n/);
    expect(summary).toContain('acme: 1 train / 0 test, 1 box\n');
  });

  it('exits 0 and prints the summary when run as a command', () => {
    const run = cli(QUIRKS_MANIFEST, '--out', dir, '--test-fraction', '0.3', '--min-confidence', '0.5');

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('8 images accepted');
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toMatchObject({
      testFraction: 0.3,
      minConfidence: 0.5,
    });
  });

  it('exits 1 with a clear message when the input file does not exist', () => {
    const run = cli(join(dir, 'missing.manifest'), '--out', dir);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('input manifest not found');
  });

  it('exits 1 when no line is usable, after writing the report', () => {
    const input = join(dir, 'failed.manifest');
    writeFileSync(input, '{"source-ref":"s3://b/a.jpg","label-metadata":{"failure-reason":"ClientError: expired"}}\n');

    const run = cli(input, '--out', join(dir, 'out'));

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no usable line');
    expect(existsSync(join(dir, 'out', 'report.html'))).toBe(true);
  });

  it('rejects an out-of-range --test-fraction before reading anything', () => {
    const run = cli(QUIRKS_MANIFEST, '--out', dir, '--test-fraction', '0.9');

    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('--test-fraction must be a number from 0.05 to 0.5');
    expect(existsSync(join(dir, 'report.json'))).toBe(false);
  });

  /** `count` labeled lines, one image each, in `bucket`. */
  const labeled = (count: number, bucket = BUCKET, from = 0) =>
    Array.from({ length: count }, (_, i) => gtText({ sourceRef: `s3://${bucket}/img-${from + i}.jpg` }));

  const write = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };

  it('decides the bucket from the whole file: a stray first line is the one dropped, exit 0', () => {
    const input = write('stray.manifest', [gtText({ sourceRef: 's3://other-bucket/stray.jpg' }), ...labeled(12)]);

    const run = cli(input, '--out', join(dir, 'out'));

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('13 lines read, 12 images accepted');
    expect(run.stdout).toContain(`label attribute bounding-box, images in s3://${BUCKET}/`);
    expect(run.stdout).toContain('ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS: 1');
    expect(run.stdout).toContain(`warning: 1 line(s) have images in another bucket than ${BUCKET}, where most are`);
    expect(readFileSync(join(dir, 'out', 'train.manifest'), 'utf8')).not.toContain('other-bucket');
  });

  it('takes the bucket given with --bucket over the majority', async () => {
    const input = write('two-buckets.manifest', [...labeled(4, 'chosen-bucket', 100), ...labeled(12)]);

    const report = await convertManifestFile(input, { out: join(dir, 'out'), bucket: 'chosen-bucket' });

    expect(report).toMatchObject({
      bucket: 'chosen-bucket',
      accepted: 4,
      rejectedByReason: { ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS: 12 },
    });
  });

  it('exits 1 for an empty test set (one image), writing the report but no manifest', () => {
    const input = write('one.manifest', labeled(1));

    const run = cli(input, '--out', join(dir, 'out'));

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ERROR_EMPTY_MANIFEST: the test set would be empty');
    expect(run.stderr).toContain('--allow-empty-test');
    expect(existsSync(join(dir, 'out', 'report.json'))).toBe(true);
    expect(existsSync(join(dir, 'out', 'train.manifest'))).toBe(false);
    expect(existsSync(join(dir, 'out', 'test.manifest'))).toBe(false);
  });

  it('writes train.manifest and an empty test.manifest with --allow-empty-test, and says so', () => {
    const input = write('one.manifest', labeled(1));

    const run = cli(input, '--out', join(dir, 'out'), '--allow-empty-test');

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('warning: the test set is empty');
    expect(manifestLines(join(dir, 'out', 'train.manifest')).filter((l) => l !== '')).toHaveLength(1);
    expect(readFileSync(join(dir, 'out', 'test.manifest'), 'utf8')).toBe('');
  });

  it("exits 1 before writing a manifest over the region's dataset limit", () => {
    const input = write('large.manifest', [...generateOutputLines({ count: 32_000, bucket: BUCKET })]);

    const run = cli(input, '--out', join(dir, 'out'), '--region', 'eu-west-2');

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM: the train set would have [\d,]+ images; Rekognition imports at most 28,000 per dataset in eu-west-2/,
    );
    expect(existsSync(join(dir, 'out', 'train.manifest'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')).blockers).toHaveLength(1);
  });

  it('refuses an input that is one of the files it would write, directly or through a link, and writes nothing', () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    const input = join(out, 'train.manifest');
    const text = `${labeled(12).join('\n')}\n`;
    writeFileSync(input, text);
    writeFileSync(join(out, 'report.json'), '{"mine":true}');
    symlinkSync(input, join(dir, 'link.manifest'));

    const direct = cli(input, '--out', out);
    const linked = cli(join(dir, 'link.manifest'), '--out', `${dir}/./out/`);

    for (const run of [direct, linked]) {
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('which convert writes: choose another --out folder (nothing was written)');
    }
    expect(readFileSync(input, 'utf8')).toBe(text);
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe('{"mine":true}');
  });

  it('documents the new options and exit rules in --help', () => {
    const run = cli('--help');

    for (const text of ['--bucket <name>', '--allow-empty-test', '--region <name>', '250,000 lines', 'refused']) {
      expect(run.stdout).toContain(text);
    }
  });
});

describe('convert command as its own bundle', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'convert-bundle-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('converts from a cached bundle, rebuilt only when one of its sources changed', () => {
    const input = join(dir, 'small.manifest');
    writeFileSync(input, `${[...generateOutputLines({ count: 200 })].join('\n')}\n`);
    const cache = join(dir, 'cache');
    const env = { ...process.env, LABELING_PIPELINE_CACHE_DIR: cache };
    const convert = (out: string) =>
      spawnSync(process.execPath, [BIN, 'convert', input, '--out', join(dir, out)], { encoding: 'utf8', env });
    const bundle = join(cache, 'convert.js');

    const first = convert('first');
    const built = statSync(bundle).mtimeMs;
    const second = convert('second');
    const reused = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(`${bundle}.inputs.json`, 'utf8')) as Record<string, number>;
    const source = Object.keys(inputs).find((file) => file.endsWith(join('cli', 'convert-main.ts')));
    if (source === undefined) throw new Error('the cache does not list cli/convert-main.ts');
    writeFileSync(`${bundle}.inputs.json`, JSON.stringify({ ...inputs, [source]: 1 }));
    const third = convert('third');

    expect([first.status, second.status, third.status]).toEqual([0, 0, 0]);
    expect(first.stderr).toBe('');
    expect(reused).toBe(built);
    expect(statSync(bundle).mtimeMs).not.toBe(built);
    expect(readFileSync(join(dir, 'third', 'train.manifest'))).toEqual(
      readFileSync(join(dir, 'first', 'train.manifest')),
    );
  });

  /** Resolves once `out` exists (checked every 10 ms), or rejects when the command ends first. */
  const conversionStarted = (out: string, child: ReturnType<typeof spawn>) =>
    new Promise<void>((resolve, reject) => {
      const ended = () => reject(new Error('convert ended before it created its output folder'));
      child.once('exit', ended);
      const check = () => {
        if (!existsSync(out)) return void setTimeout(check, 10);
        child.off('exit', ended);
        resolve();
      };
      check();
    });

  it('passes a SIGTERM sent to the command on to the conversion, and exits 143', async () => {
    const input = join(dir, 'large.manifest');
    writeFileSync(input, `${[...generateOutputLines({ count: 100_000 })].join('\n')}\n`);
    const out = join(dir, 'large');
    const child = spawn(process.execPath, [BIN, 'convert', input, '--out', out], { stdio: 'ignore' });
    // The conversion creates --out once it has checked its input, just before it reads the first
    // line: from then on the command has spawned the bundle and forwards signals to it.
    await conversionStarted(out, child);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];

    expect(code).toBe(143);
    expect(existsSync(join(dir, 'large', 'train.manifest'))).toBe(false);
  }, 60_000);
});
