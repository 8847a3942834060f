import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import sample from '../../events/post-process-input.json';
import { handler, postProcess } from '../../functions/conversion/post-process/handler';
import { ExecutionInput } from '../../functions/run/contracts/execution-input';
import { planRun } from '../../functions/run/rules/run-plan';
import { fakeContext } from '../fake-context';
import { QUIRKS_MANIFEST } from '../fixtures/memory-ports';

const s3 = mockClient(S3Client);

const BUCKET = 'labeling-pipeline-local-data';
const RUN = 'runs/logos-2026-11-3f9a1c2be4d7';
const OUTPUT_KEY = `${RUN}/labeling/output/logos-2026-11-3f9a1c2be4d7/manifests/output/output.manifest`;

const bodyOf = (body: unknown): string =>
  typeof body === 'string' ? body : Buffer.from(body as Uint8Array).toString('utf8');

/** Every object PostProcess put, by key (small objects and single-part uploads alike). */
const putObjects = (): Map<string, string> =>
  new Map(s3.commandCalls(PutObjectCommand).map((c) => [String(c.args[0].input.Key), bodyOf(c.args[0].input.Body)]));

const lines = (text: string | undefined) => (text ?? '').split('\n').filter((l) => l !== '');

interface ManifestBox {
  label: string;
  bbox: number[];
}

/** The boxes of the dataset manifests PostProcess wrote, per image: what each export must hold. */
const manifestBoxes = (objects: Map<string, string>): Map<string, ManifestBox[]> => {
  const boxes = new Map<string, ManifestBox[]>();
  for (const name of ['train', 'test']) {
    for (const text of lines(objects.get(`${RUN}/dataset/${name}.manifest`))) {
      const record = JSON.parse(text);
      const classMap = record['bounding-box-metadata']['class-map'];
      boxes.set(
        record['source-ref'],
        record['bounding-box'].annotations.map((a: Record<string, number>) => ({
          label: classMap[String(a.class_id)],
          bbox: [a.left, a.top, a.width, a.height],
        })),
      );
    }
  }
  return boxes;
};

describe('post-process exports', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand, { Key: `${RUN}/labeling/job.json` }).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    s3.on(ListObjectsV2Command).resolves({});
    s3.on(GetObjectCommand, { Key: OUTPUT_KEY }).callsFake(() => ({
      Body: sdkStreamMixin(createReadStream(QUIRKS_MANIFEST, { highWaterMark: 300 })),
    }));
    // The exports read back the manifests PostProcess has just written.
    for (const name of ['train', 'test']) {
      s3.on(GetObjectCommand, { Key: `${RUN}/dataset/${name}.manifest` }).callsFake(() => ({
        Body: sdkStreamMixin(Readable.from([putObjects().get(`${RUN}/dataset/${name}.manifest`) ?? ''])),
      }));
    }
  });

  it('writes COCO, YOLO and VOC next to the dataset manifests when batch.json asks, holding exactly the dataset images', async () => {
    const summary = await handler({ ...sample, run: { ...sample.run, exports: ['coco', 'yolo', 'voc'] } }, fakeContext);

    const objects = putObjects();
    const expected = manifestBoxes(objects);
    expect(expected.size).toBe(summary.accepted);
    expect(summary.exports).toEqual({
      coco: `s3://${BUCKET}/${RUN}/dataset/coco/`,
      yolo: `s3://${BUCKET}/${RUN}/dataset/yolo/`,
      voc: `s3://${BUCKET}/${RUN}/dataset/voc/`,
    });
    const coco = JSON.parse(objects.get(`${RUN}/dataset/coco/instances.json`) ?? '');
    const names = new Map(coco.categories.map((c: { id: number; name: string }) => [c.id, c.name]));
    const refs = new Map(coco.images.map((i: { id: number; s3_uri: string }) => [i.id, i.s3_uri]));
    const fromCoco = new Map<string, ManifestBox[]>();
    for (const a of coco.annotations) {
      const ref = String(refs.get(a.image_id));
      fromCoco.set(ref, [...(fromCoco.get(ref) ?? []), { label: String(names.get(a.category_id)), bbox: a.bbox }]);
    }
    expect(fromCoco).toEqual(expected);
    const data = parseYaml(objects.get(`${RUN}/dataset/yolo/data.yaml`) ?? '');
    expect(Object.values(data.names)).toEqual(['acme', 'globex', 'initech']);
    expect(lines(objects.get(`${RUN}/dataset/yolo/val.txt`))).toHaveLength(summary.test);
    expect(lines(objects.get(`${RUN}/dataset/yolo/train.txt`))).toHaveLength(summary.train);
    const yoloLabels = [...objects.keys()].filter((k) => k.startsWith(`${RUN}/dataset/yolo/labels/`));
    expect(yoloLabels).toHaveLength(summary.accepted);
    const parser = new XMLParser({ isArray: (name) => name === 'object' });
    const fromVoc = new Map<string, ManifestBox[]>();
    for (const [key, xml] of objects) {
      if (!key.startsWith(`${RUN}/dataset/voc/Annotations/`)) continue;
      const { annotation } = parser.parse(xml);
      fromVoc.set(
        annotation.path,
        annotation.object.map(
          (o: { name: string; bndbox: { xmin: number; ymin: number; xmax: number; ymax: number } }) => ({
            label: o.name,
            bbox: [o.bndbox.xmin, o.bndbox.ymin, o.bndbox.xmax - o.bndbox.xmin, o.bndbox.ymax - o.bndbox.ymin],
          }),
        ),
      );
    }
    expect(fromVoc).toEqual(expected);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Key: `${RUN}/dataset/yolo/data.yaml`,
      ContentType: 'application/yaml',
    });
  });

  it('writes no export when the run asks for none', async () => {
    const summary = await postProcess(sample);

    expect(summary.exports).toBeUndefined();
    expect([...putObjects().keys()].filter((k) => /dataset\/(coco|yolo|voc)\//.test(k))).toEqual([]);
  });

  it('accepts "exports" in batch.json and refuses a format it does not write, naming the choices', () => {
    const input = { bucket: BUCKET, prefix: 'incoming/logos/' };

    expect(ExecutionInput.parse({ ...input, exports: ['coco', 'voc'] }).exports).toEqual(['coco', 'voc']);
    const refused = ExecutionInput.safeParse({ ...input, exports: ['csv'] });
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error?.issues)).toContain('coco');
  });

  it('hands the formats to the run once each, and none when batch.json lists none', () => {
    const settings = { dataBucket: BUCKET, defaultLabels: ['acme'], labelingBackend: 'builtin' as const };
    const input = { bucket: BUCKET, prefix: 'incoming/logos/' };

    expect(planRun({ ...input, exports: ['voc', 'coco', 'voc'] }, 'logos-1', settings).exports).toEqual([
      'voc',
      'coco',
    ]);
    expect(planRun({ ...input, exports: [] }, 'logos-1', settings)).not.toHaveProperty('exports');
    expect(planRun(input, 'logos-1', settings)).not.toHaveProperty('exports');
  });
});
