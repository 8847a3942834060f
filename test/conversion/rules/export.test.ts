import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import type { LineSink } from '../../../functions/conversion/rules/dataset-conversion';
import { convertOutputManifest } from '../../../functions/conversion/rules/dataset-conversion';
import { COCO_FILE } from '../../../functions/conversion/rules/export-coco';
import { exportDataset } from '../../../functions/conversion/rules/export-dataset';
import { type ExportTarget, imagePathOf, stemPathOf } from '../../../functions/conversion/rules/export-files';
import { type ExportSource, readExportImages, setOf } from '../../../functions/conversion/rules/export-lines';
import { escapeXml, VOC_FILES, vocAnnotationPath } from '../../../functions/conversion/rules/export-voc';
import { YOLO_FILES, yoloLabelPath } from '../../../functions/conversion/rules/export-yolo';
import { readManifestBatches } from '../../../functions/conversion/rules/line-reader';
import { gtText } from '../../fixtures/gt-line';
import { generateDocsShapedLines } from '../../fixtures/gt-output-generator';
import { memoryPorts, quirksStream } from '../../fixtures/memory-ports';

/** An export target in memory; records each piece written to a streamed file. */
const memoryTarget = () => {
  const files = new Map<string, string>();
  const pieces = new Map<string, string[]>();
  const target: ExportTarget = {
    writeFile: async (path, text) => {
      files.set(path, text);
    },
    openFile: (path): LineSink => {
      const parts: string[] = [];
      pieces.set(path, parts);
      return {
        write: (text) => {
          parts.push(text);
          return undefined;
        },
        close: async () => {
          files.set(path, parts.join(''));
        },
        abort: () => undefined,
      };
    },
  };
  return { target, files, pieces };
};

/** Text as the async chunks `readManifestBatches` takes. */
async function* chunksOf(text: string): AsyncGenerator<string> {
  yield text;
}

const textSource = (name: string, lines: readonly string[], set?: 'train' | 'val'): ExportSource => ({
  name,
  ...(set === undefined ? {} : { set }),
  open: () => readManifestBatches(chunksOf(`${lines.join('\n')}\n`)),
});

interface Box {
  label: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The source's boxes per image, read straight from the JSON (the reader the export is checked against). */
const sourceBoxes = (lines: readonly string[]): Map<string, Box[]> =>
  new Map(
    lines.map((text) => {
      const record = JSON.parse(text);
      const classMap = record['bounding-box-metadata']['class-map'];
      const boxes = record['bounding-box'].annotations.map(
        (a: { class_id: number; left: number; top: number; width: number; height: number }) => ({
          label: classMap[String(a.class_id)],
          left: a.left,
          top: a.top,
          width: a.width,
          height: a.height,
        }),
      );
      return [record['source-ref'], boxes];
    }),
  );

const LINES = [...generateDocsShapedLines({ count: 120, bucket: 'logos' })];
const EXPECTED = sourceBoxes(LINES);
const NOW = '2026-12-07T23:00:00.000Z';

const byImage = (boxes: Map<string, Box[]>) =>
  new Map([...boxes].map(([ref, list]) => [ref, [...list].sort((a, b) => a.left - b.left || a.top - b.top)]));

describe('COCO export', () => {
  it('writes one instances file that JSON.parse reads, with every required COCO field and the source boxes in pixels', async () => {
    const { target, files } = memoryTarget();

    const tally = await exportDataset('coco', [textSource('in.manifest', LINES)], target, { generatedAt: NOW });

    const coco = JSON.parse(files.get(COCO_FILE) ?? '');
    expect(Object.keys(coco).sort()).toEqual(['annotations', 'categories', 'images', 'info', 'licenses']);
    expect(coco.images).toHaveLength(120);
    for (const image of coco.images) {
      expect(image).toEqual({
        id: expect.any(Number),
        file_name: expect.any(String),
        width: expect.any(Number),
        height: expect.any(Number),
        s3_uri: expect.stringMatching(/^s3:\/\/logos\//),
      });
    }
    expect(new Set(coco.images.map((i: { id: number }) => i.id)).size).toBe(120);
    const categories = new Map(coco.categories.map((c: { id: number; name: string }) => [c.id, c.name]));
    expect([...categories.values()].sort()).toEqual(['Echo', 'Echo Dot']);
    expect(categories.has(0)).toBe(false);
    const refs = new Map(coco.images.map((i: { id: number; s3_uri: string }) => [i.id, i.s3_uri]));
    const read = new Map<string, Box[]>();
    for (const a of coco.annotations) {
      expect(a).toEqual({
        id: expect.any(Number),
        image_id: expect.any(Number),
        category_id: expect.any(Number),
        bbox: [expect.any(Number), expect.any(Number), expect.any(Number), expect.any(Number)],
        area: a.bbox[2] * a.bbox[3],
        iscrowd: 0,
      });
      const [left, top, width, height] = a.bbox;
      const ref = String(refs.get(a.image_id));
      read.set(ref, [
        ...(read.get(ref) ?? []),
        { label: String(categories.get(a.category_id)), left, top, width, height },
      ]);
    }
    expect(new Set(coco.annotations.map((a: { id: number }) => a.id)).size).toBe(coco.annotations.length);
    expect(byImage(read)).toEqual(byImage(EXPECTED));
    expect(tally).toMatchObject({ lines: 120, images: 120, rejectedTotal: 0 });
  });

  it('streams the file in pieces no larger than a batch of images, never the whole document at once', async () => {
    const lines = [...generateDocsShapedLines({ count: 2000, bucket: 'logos' })];
    const { target, pieces, files } = memoryTarget();

    await exportDataset('coco', [textSource('in.manifest', lines)], target, { generatedAt: NOW });

    const parts = pieces.get(COCO_FILE) ?? [];
    const total = (files.get(COCO_FILE) ?? '').length;
    expect(parts.length).toBeGreaterThan(200);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThan(total / 50);
  });

  it('fails instead of writing mismatched ids when the input changes between its two reads', async () => {
    let reads = 0;
    const source: ExportSource = {
      name: 'moving.manifest',
      open: () => {
        reads += 1;
        return readManifestBatches(chunksOf(`${LINES.slice(0, reads === 1 ? 10 : 9).join('\n')}\n`));
      },
    };
    const { target } = memoryTarget();

    await expect(exportDataset('coco', [source], target, { generatedAt: NOW })).rejects.toThrow(
      'the input changed while it was exported: 10 images, then 9',
    );
  });
});

describe('YOLO export', () => {
  it('writes a label file per image with normalized centre and size, and data.yaml naming the classes and both lists', async () => {
    const { target, files } = memoryTarget();
    const train = LINES.slice(0, 100);
    const val = LINES.slice(100);

    await exportDataset(
      'yolo',
      [textSource('train.manifest', train, 'train'), textSource('test.manifest', val, 'val')],
      target,
      {
        generatedAt: NOW,
      },
    );

    const data = parseYaml(files.get(YOLO_FILES.dataYaml) ?? '');
    expect(data).toMatchObject({ path: '.', train: 'train.txt', val: 'val.txt', nc: 2 });
    const names: Record<number, string> = data.names;
    const list = (file: string) => (files.get(file) ?? '').split('\n').filter((l) => l !== '');
    expect(list(YOLO_FILES.train)).toHaveLength(100);
    expect(list(YOLO_FILES.val)).toEqual(val.map((l) => `./images/${imagePathOf(JSON.parse(l)['source-ref'])}`));
    const read = new Map<string, Box[]>();
    for (const text of LINES) {
      const record = JSON.parse(text);
      const ref: string = record['source-ref'];
      const { width: w, height: h } = record['bounding-box'].image_size[0];
      const label = files.get(yoloLabelPath(ref)) ?? '';
      const boxes = label
        .trimEnd()
        .split('\n')
        .map((row) => {
          const [cls, cx, cy, bw, bh] = row.split(' ').map(Number) as [number, number, number, number, number];
          for (const f of [cx, cy, bw, bh]) expect(f >= 0 && f <= 1).toBe(true);
          const width = Math.round(bw * w);
          const height = Math.round(bh * h);
          return {
            label: String(names[cls]),
            left: Math.round(cx * w - width / 2),
            top: Math.round(cy * h - height / 2),
            width,
            height,
          };
        });
      read.set(ref, boxes);
    }
    expect(byImage(read)).toEqual(byImage(EXPECTED));
  });

  it('keeps an odd label name one YAML string and refuses a second image whose label file would have the same name', async () => {
    const { target, files } = memoryTarget();
    const lines = [
      gtText({ sourceRef: 's3://b/x/a.jpg', classMap: { '0': 'key: value #1' } }),
      gtText({ sourceRef: 's3://b/x/a.png', classMap: { '0': 'key: value #1' } }),
    ];

    const tally = await exportDataset('yolo', [textSource('in.manifest', lines)], target, { generatedAt: NOW });

    expect(parseYaml(files.get(YOLO_FILES.dataYaml) ?? '').names).toEqual({ 0: 'key: value #1' });
    expect(tally.rejected).toEqual([
      expect.objectContaining({ line: 2, code: 'DUPLICATE_IMAGE', sourceRef: 's3://b/x/a.png', source: 'in.manifest' }),
    ]);
    expect([...files.keys()].filter((f) => f.startsWith('labels/'))).toEqual(['labels/b/x/a.txt']);
  });
});

describe('Pascal VOC export', () => {
  const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'object' });

  it('writes an XML per image that fast-xml-parser reads back to the source boxes, and the train/val image sets', async () => {
    const { target, files } = memoryTarget();

    await exportDataset('voc', [textSource('in.manifest', LINES)], target, { generatedAt: NOW, valFraction: 0.25 });

    const read = new Map<string, Box[]>();
    for (const [path, xml] of files) {
      if (!path.startsWith(VOC_FILES.annotations)) continue;
      const { annotation } = parser.parse(xml);
      expect(Number(annotation.size.depth)).toBe(3);
      read.set(
        annotation.path,
        annotation.object.map((o: { name: string; bndbox: Record<string, string> }) => ({
          label: o.name,
          left: Number(o.bndbox.xmin),
          top: Number(o.bndbox.ymin),
          width: Number(o.bndbox.xmax) - Number(o.bndbox.xmin),
          height: Number(o.bndbox.ymax) - Number(o.bndbox.ymin),
        })),
      );
      expect(`${annotation.folder}/${annotation.filename}`).toBe(imagePathOf(annotation.path));
    }
    expect(byImage(read)).toEqual(byImage(EXPECTED));
    const setList = (file: string) => (files.get(file) ?? '').split('\n').filter((l) => l !== '');
    const refs = LINES.map((l) => JSON.parse(l)['source-ref'] as string);
    expect(setList(VOC_FILES.val)).toEqual(refs.filter((r) => setOf(r, 0.25) === 'val').map(stemPathOf));
    expect(setList(VOC_FILES.train).length + setList(VOC_FILES.val).length).toBe(120);
    expect(setList(VOC_FILES.val).length).toBeGreaterThan(10);
  });

  it('escapes markup in label names and paths, and replaces characters XML cannot hold', async () => {
    const { target, files } = memoryTarget();
    const name = `Tom & Jerry's <"best"> \u0001`;
    const ref = 's3://b/in/a&b <c>.jpg';

    await exportDataset(
      'voc',
      [textSource('in.manifest', [gtText({ sourceRef: ref, classMap: { '0': name } })])],
      target,
      {
        generatedAt: NOW,
      },
    );

    const xml = files.get(vocAnnotationPath(ref)) ?? '';
    expect(xml).not.toContain('\u0001');
    expect(XMLValidator.validate(xml)).toBe(true);
    const { annotation } = parser.parse(xml);
    expect(annotation.object[0].name).toBe(`Tom & Jerry's <"best"> \ufffd`);
    expect(annotation.path).toBe(ref);
    expect(escapeXml('a\ud800b')).toBe('a\ufffdb');
    expect(escapeXml('\u{1f600}')).toBe('\u{1f600}');
  });
});

describe('export input', () => {
  it('rejects bad lines for the reasons convert gives, except the one-bucket rule only a Rekognition dataset has', async () => {
    const { ports } = memoryPorts();
    const converted = await convertOutputManifest(() => readManifestBatches(quirksStream()), ports, {
      source: 'quirks',
      generatedAt: NOW,
      testFraction: 0.2,
      minConfidence: 0.5,
      allowEmptyTest: true,
    });
    const { target } = memoryTarget();
    const source: ExportSource = { name: 'quirks', open: () => readManifestBatches(quirksStream()) };

    const tally = await exportDataset('coco', [source], target, { generatedAt: NOW, minConfidence: 0.5 });

    const { ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS: otherBucket = 0, ...convertReasons } = converted.rejectedByReason;
    expect(otherBucket).toBe(1);
    expect(tally.rejectedByReason).toEqual(convertReasons);
    expect(tally.images).toBe(converted.accepted + otherBucket);
    const inOrder = (r: { line: number; box?: number }, q: { line: number; box?: number }) =>
      r.line - q.line || (r.box ?? -1) - (q.box ?? -1);
    expect(tally.rejected.map(({ source: _, ...r }) => r).sort(inOrder)).toEqual(
      converted.rejected.filter((r) => r.code !== 'ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS'),
    );
  });

  it('reads Rekognition dataset manifests (what convert writes) with their sets, and numbers classes across manifests alike', async () => {
    const { ports, written } = memoryPorts();
    await convertOutputManifest(() => readManifestBatches(chunksOf(`${LINES.join('\n')}\n`)), ports, {
      source: 'docs',
      generatedAt: NOW,
      testFraction: 0.2,
      minConfidence: 0,
    });
    const reading = readExportImages([
      textSource('train.manifest', written.train, 'train'),
      textSource('test.manifest', written.test, 'val'),
    ]);
    const images = [];
    for await (const batch of reading.images) images.push(...batch);

    expect(images).toHaveLength(120);
    expect(images.filter((i) => i.set === 'val')).toHaveLength(written.test.length);
    const read = new Map(images.map((i) => [i.sourceRef, i.boxes.map(({ classId: _, ...box }) => box)]));
    expect(byImage(read)).toEqual(byImage(EXPECTED));
    for (const image of images)
      for (const box of image.boxes) expect(reading.classNames()[box.classId]).toBe(box.label);
  });

  it("names files so no S3 key can reach outside the export folder or share another key's path", () => {
    expect(imagePathOf('s3://b/a/../../../etc/passwd')).toBe('b/a/%2E%2E/%2E%2E/%2E%2E/etc/passwd');
    expect(imagePathOf('s3://b/./x//y.jpg')).toBe('b/%2E/x/%2F/y.jpg');
    expect(imagePathOf('s3://b/100%.jpg')).not.toBe(imagePathOf('s3://b/100%25.jpg'));
    expect(imagePathOf('s3://b/a\\b\n.jpg')).toBe('b/a%5Cb%0A.jpg');
    expect(stemPathOf('s3://b/dir.v2/.hidden')).toBe('b/dir.v2/.hidden');
    expect(stemPathOf('s3://b/dir/photo.final.jpeg')).toBe('b/dir/photo.final');
  });

  it('puts each image on the same side whatever else is in the input', () => {
    const refs = Array.from({ length: 1000 }, (_, i) => `s3://b/img-${i}.jpg`);
    const sides = refs.map((r) => setOf(r, 0.2));

    expect(refs.map((r) => setOf(r, 0.2))).toEqual(sides);
    const val = sides.filter((s) => s === 'val').length;
    expect(val).toBeGreaterThan(150);
    expect(val).toBeLessThan(250);
  });
});
