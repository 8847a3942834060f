import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import { EXPORT_REPORT_FILE, exportManifestFiles, setOfManifest } from '../../cli/commands/export';
import { QUIRKS_MANIFEST } from '../fixtures/memory-ports';

const BIN = join(__dirname, '..', '..', 'cli', 'bin.cjs');
const DOCS_MANIFEST = join(__dirname, '..', 'fixtures', 'aws-docs', 'rekognition-object-detection-line.manifest');

const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'export', ...args], { encoding: 'utf8' });

/** Every file under `dir`, relative, `/`-separated. */
const filesUnder = (dir: string, prefix = ''): string[] =>
  readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(dir, path) : [path];
  });

describe('export command', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'export-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the AWS documentation line and a real-shaped Ground Truth output to COCO through the bin, and says what it dropped', () => {
    const out = join(dir, 'coco');

    const run = cli('--format', 'coco', DOCS_MANIFEST, QUIRKS_MANIFEST, '--out', out);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('23 lines read, 11 images exported as coco');
    expect(run.stdout).toMatch(/gt-output-quirks\.manifest:2: LABELING_FAILED/);
    const coco = JSON.parse(readFileSync(join(out, 'instances.json'), 'utf8'));
    const docsImage = coco.images.find((i: { s3_uri: string }) => i.s3_uri === 's3://bucket/images/IMG_1186.png');
    expect(docsImage).toMatchObject({ file_name: 'bucket/images/IMG_1186.png', width: 640, height: 480 });
    const names = new Map(coco.categories.map((c: { id: number; name: string }) => [c.id, c.name]));
    const boxes = coco.annotations
      .filter((a: { image_id: number }) => a.image_id === docsImage.id)
      .map((a: { category_id: number; bbox: number[] }) => [names.get(a.category_id), a.bbox]);
    expect(boxes).toEqual([
      ['Echo Dot', [399, 251, 155, 101]],
      ['Echo', [86, 65, 220, 334]],
    ]);
    const report = JSON.parse(readFileSync(join(out, EXPORT_REPORT_FILE), 'utf8'));
    expect(report).toMatchObject({ format: 'coco', lines: 23, images: 11 });
    expect(report.rejectedByReason).toMatchObject({ LABELING_FAILED: 2, DUPLICATE_IMAGE: 1 });
  });

  it('writes YOLO and VOC files under the folder only, named after the images, which stay where they are', async () => {
    const yolo = join(dir, 'yolo');
    const voc = join(dir, 'voc');

    await exportManifestFiles([QUIRKS_MANIFEST], { format: 'yolo', out: yolo });
    await exportManifestFiles([DOCS_MANIFEST], { format: 'voc', out: voc });

    const data = parseYaml(readFileSync(join(yolo, 'data.yaml'), 'utf8'));
    expect(data.names).toEqual({ 0: 'acme', 1: 'initech', 2: 'globex' });
    expect(filesUnder(yolo)).toContain('labels/labeling-pipeline-local-data/incoming/logos/image-0001.txt');
    expect(filesUnder(yolo).some((f) => /\.(jpe?g|png)$/.test(f))).toBe(false);
    const xml = readFileSync(join(voc, 'Annotations/bucket/images/IMG_1186.xml'), 'utf8');
    const { annotation } = new XMLParser().parse(xml);
    expect(annotation.object.map((o: { name: string }) => o.name)).toEqual(['Echo Dot', 'Echo']);
    expect(annotation.path).toBe('s3://bucket/images/IMG_1186.png');
  });

  it('exits 1 with the reasons when no line can be exported, after writing the report', () => {
    const input = join(dir, 'broken.manifest');
    writeFileSync(input, '{"source-ref": "s3://b/a.jpg"}\nnot json\n');

    const run = cli('--format', 'yolo', input, '--out', join(dir, 'out'));

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no usable line in');
    expect(run.stderr).toContain('ERROR_INVALID_JSON_LINE 1');
    expect(existsSync(join(dir, 'out', EXPORT_REPORT_FILE))).toBe(true);
  });

  it('refuses an unknown format, a missing --format and a missing input before writing anything', () => {
    const out = join(dir, 'out');

    const unknown = cli('--format', 'csv', QUIRKS_MANIFEST, '--out', out);
    const missing = cli(QUIRKS_MANIFEST, '--out', out);
    const absent = cli('--format', 'voc', join(dir, 'nope.manifest'), '--out', out);

    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('Allowed choices are coco, yolo, voc');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("required option '--format <format>' not specified");
    expect(absent.status).toBe(1);
    expect(absent.stderr).toContain('input manifest not found');
    expect(existsSync(out)).toBe(false);
  });

  it('puts a dataset test manifest in val, a train manifest in train, and leaves a job output to the per-image split', () => {
    expect(setOfManifest('runs/r/dataset/test.manifest')).toBe('val');
    expect(setOfManifest('/x/val.manifest')).toBe('val');
    expect(setOfManifest('/x/train.manifest')).toBe('train');
    expect(setOfManifest('/x/output.manifest')).toBeUndefined();
  });
});
