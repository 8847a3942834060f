import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertManifestFile, formatSummary } from '../../cli/commands/convert';
import { DatasetReport } from '../../functions/conversion/contracts/dataset-report';
import { validateRekognitionManifest } from '../../local-runtime/stand-ins/rekognition-manifest';
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

  it('uses the given label attribute, so lines labeled under another name are unusable', async () => {
    await expect(convertManifestFile(QUIRKS_MANIFEST, { out: dir, labelAttribute: 'logos' })).rejects.toMatchObject({
      name: 'NoDatasetProduced',
      message: expect.stringContaining('LABELING_FAILED'),
    });
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
});
