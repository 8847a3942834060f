import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import sample from '../../events/post-process-input.json';
import { DatasetReport } from '../../functions/conversion/contracts/dataset-report';
import { handler, postProcess } from '../../functions/conversion/post-process/handler';
import { validateRekognitionManifest } from '../../local-runtime/stand-ins/rekognition-manifest';
import { fakeContext } from '../fake-context';
import { gtText } from '../fixtures/gt-line';
import { QUIRKS_MANIFEST } from '../fixtures/memory-ports';

const s3 = mockClient(S3Client);

const BUCKET = 'labeling-pipeline-local-data';
const RUN = 'runs/logos-2026-11-3f9a1c2be4d7';
const OUTPUT_KEY = `${RUN}/labeling/output/logos-2026-11-3f9a1c2be4d7/manifests/output/output.manifest`;

const streamBody = (stream: Readable) => sdkStreamMixin(stream);
const noSuchKey = () => new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });

/** The body written to `key`, whether it came as a string or as upload bytes. */
const written = (key: string): string => {
  const call = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === key);
  const body = call?.args[0].input.Body;
  if (body === undefined) throw new Error(`nothing written to ${key}`);
  return typeof body === 'string' ? body : Buffer.from(body as Uint8Array).toString('utf8');
};

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

describe('post-process', () => {
  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand, { Key: `${RUN}/labeling/job.json` }).rejects(noSuchKey());
    // No worker responses: the report stays as Ground Truth's path always had it.
    s3.on(ListObjectsV2Command).resolves({});
  });

  it('adds per-labeler figures from the worker responses, and none when there are none', async () => {
    const job = `${RUN}/labeling/output/logos-2026-11-3f9a1c2be4d7/`;
    // Two images, so the split has a test image (an empty test set writes no manifest).
    const line = (left: number) =>
      JSON.stringify({
        'source-ref': `s3://${BUCKET}/incoming/logos/${left}.jpg`,
        'bounding-box': {
          image_size: [{ width: 640, height: 480, depth: 3 }],
          annotations: [{ class_id: 0, left, top: 10, width: 100, height: 100 }],
        },
        'bounding-box-metadata': {
          objects: [{ confidence: 0.9 }],
          'class-map': { '0': 'acme' },
          type: 'groundtruth/object-detection',
          'human-annotated': 'yes',
          'creation-date': '2026-12-01T10:00:00.000000',
          'job-name': 'labeling-job/x',
        },
      });
    const response = (answers: { worker: string; seconds: number; left: number }[]) =>
      JSON.stringify({
        answers: answers.map((a) => ({
          workerId: a.worker,
          timeSpentInSeconds: a.seconds,
          answerContent: {
            boundingBox: { boundingBoxes: [{ label: 'acme', left: a.left, top: 10, width: 100, height: 100 }] },
          },
        })),
      });
    const text = (body: string) => ({ Body: streamBody(Readable.from([body])) });
    s3.on(GetObjectCommand, { Key: OUTPUT_KEY }).callsFake(() => text(`${line(10)}\n${line(300)}\n`));
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: `${job}annotations/worker-response/iteration-1/0/2026-12-01T10-00-00-000Z.json` },
        { Key: `${job}annotations/worker-response/iteration-1/1/2026-12-01T10-00-00-000Z.json` },
      ],
    });
    s3.on(GetObjectCommand, {
      Key: `${job}annotations/worker-response/iteration-1/0/2026-12-01T10-00-00-000Z.json`,
    }).callsFake(() =>
      text(
        response([
          { worker: 'ana', seconds: 4, left: 10 },
          { worker: 'bo', seconds: 8, left: 400 },
        ]),
      ),
    );
    s3.on(GetObjectCommand, {
      Key: `${job}annotations/worker-response/iteration-1/1/2026-12-01T10-00-00-000Z.json`,
    }).callsFake(() => text(response([{ worker: 'ana', seconds: 6, left: 300 }])));

    await postProcess(sample);

    const report = DatasetReport.parse(JSON.parse(written(`${RUN}/dataset/report.json`)));
    expect(report.labelers).toEqual([
      { worker: 'ana', images: 2, medianSeconds: 5, agreement: 1 },
      { worker: 'bo', images: 1, medianSeconds: 8, agreement: 0 },
    ]);
    expect(written(`${RUN}/dataset/report.html`)).toContain('<h2>Labelers</h2>');
  });

  it('streams the output manifest into train and test manifests that Rekognition imports without invalid lines', async () => {
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: OUTPUT_KEY }).resolves({
      Body: streamBody(createReadStream(QUIRKS_MANIFEST, { highWaterMark: 300 })),
    });

    const summary = await postProcess(sample);

    expect(summary).toEqual({
      trainManifestUri: `s3://${BUCKET}/${RUN}/dataset/train.manifest`,
      testManifestUri: `s3://${BUCKET}/${RUN}/dataset/test.manifest`,
      reportUri: `s3://${BUCKET}/${RUN}/dataset/report.json`,
      reportHtmlUri: `s3://${BUCKET}/${RUN}/dataset/report.html`,
      lines: 22,
      accepted: 9,
      rejected: 13,
      boxes: 11,
      labels: 3,
      train: summary.train,
      test: summary.test,
    });
    expect(summary.train + summary.test).toBe(9);
    for (const name of ['train', 'test']) {
      const result = validateRekognitionManifest(lines(written(`${RUN}/dataset/${name}.manifest`)));
      expect(result.invalid).toEqual([]);
      expect(result.entries).toBe(name === 'train' ? summary.train : summary.test);
    }
  });

  it('writes report.json and a self-contained report.html next to the manifests', async () => {
    s3.on(GetObjectCommand, { Key: OUTPUT_KEY }).resolves({ Body: streamBody(createReadStream(QUIRKS_MANIFEST)) });

    await postProcess(sample);

    const report = DatasetReport.parse(JSON.parse(written(`${RUN}/dataset/report.json`)));
    expect(report).toMatchObject({
      source: sample.labeling.outputManifestS3Uri,
      labelAttributeName: 'bounding-box',
      bucket: BUCKET,
      labelCounters: sample.labeling.labelCounters,
    });
    expect(report.rejectedByReason.LOW_CONFIDENCE).toBeUndefined();
    expect(report.labelers).toBeUndefined();
    expect(written(`${RUN}/dataset/report.html`)).not.toContain('<h2>Labelers</h2>');
    expect(report.rejectedByReason.ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS).toBe(1);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Key: `${RUN}/dataset/report.html`,
      ContentType: 'text/html; charset=utf-8',
    });
    expect(written(`${RUN}/dataset/report.html`)).toContain('<svg');
  });

  it('adds the labeling job decisions file to the report when it exists', async () => {
    s3.on(GetObjectCommand, { Key: OUTPUT_KEY }).resolves({ Body: streamBody(createReadStream(QUIRKS_MANIFEST)) });
    s3.on(GetObjectCommand, { Key: `${RUN}/labeling/job.json` }).resolves({
      Body: streamBody(Readable.from([JSON.stringify({ autoLabeling: false, reason: 'fewer than 1,250 objects' })])),
    });

    await postProcess(sample);

    expect(JSON.parse(written(`${RUN}/dataset/report.json`)).labelingJob).toEqual({
      autoLabeling: false,
      reason: 'fewer than 1,250 objects',
    });
  });

  it('ignores a labeling job decisions file that is not a JSON object', async () => {
    s3.on(GetObjectCommand, { Key: OUTPUT_KEY }).resolves({ Body: streamBody(createReadStream(QUIRKS_MANIFEST)) });
    s3.on(GetObjectCommand, { Key: `${RUN}/labeling/job.json` }).resolves({ Body: streamBody(Readable.from(['[1,'])) });

    const summary = await postProcess(sample);

    expect(summary.accepted).toBe(9);
    expect(JSON.parse(written(`${RUN}/dataset/report.json`)).labelingJob).toBeUndefined();
  });

  it('drops machine labels below the run minimum confidence', async () => {
    s3.on(GetObjectCommand, { Key: OUTPUT_KEY }).resolves({ Body: streamBody(createReadStream(QUIRKS_MANIFEST)) });

    const summary = await postProcess({ ...sample, run: { ...sample.run, minConfidence: 0.95 } });

    expect(summary.accepted).toBe(7);
    expect(JSON.parse(written(`${RUN}/dataset/report.json`)).rejectedByReason.LOW_CONFIDENCE).toBe(2);
  });

  it('throws NoUsableLabels pointing at the report, written first, when no line is usable', async () => {
    const failed = `{"source-ref":"s3://${BUCKET}/a.jpg","bounding-box-metadata":{"failure-reason":"ClientError: expired"}}\n`;
    s3.on(GetObjectCommand, { Key: OUTPUT_KEY }).resolves({ Body: streamBody(Readable.from([failed])) });

    const error = await postProcess(sample).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'NoUsableLabels',
      message: expect.stringContaining(`${RUN}/dataset/report.json`),
    });
    expect(JSON.parse(written(`${RUN}/dataset/report.json`))).toMatchObject({
      accepted: 0,
      rejectedByReason: { LABELING_FAILED: 1 },
    });
    expect(s3).not.toHaveReceivedCommandWith(PutObjectCommand, { Key: `${RUN}/dataset/train.manifest` });
  });

  it('fails the wrapped handler with InvalidInput when the labeling result is missing or not an S3 URI', async () => {
    const { labeling: _labeling, ...noLabeling } = sample;
    const badUri = { ...sample, labeling: { ...sample.labeling, outputManifestS3Uri: 'https://example.com/x' } };

    await expect(handler(noLabeling, fakeContext)).rejects.toMatchObject({ name: 'InvalidInput' });
    await expect(handler(badUri, fakeContext)).rejects.toMatchObject({ name: 'InvalidInput' });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('lets an S3 read failure surface with its own name for the retry policy', async () => {
    s3.on(GetObjectCommand, { Key: OUTPUT_KEY }).rejects(noSuchKey());

    await expect(postProcess(sample)).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  const serveLines = (lines: string[]) =>
    s3.on(GetObjectCommand, { Key: OUTPUT_KEY }).resolves({
      Body: streamBody(Readable.from([`${lines.join('\n')}\n`])),
    });

  it('fails with DatasetCreationFailed before writing a manifest when the test set would be empty', async () => {
    serveLines([gtText({ sourceRef: `s3://${BUCKET}/incoming/logos/only.jpg` })]);

    const error = await postProcess(sample).catch((e: unknown) => e);

    expect(error).toMatchObject({
      name: 'DatasetCreationFailed',
      message: expect.stringContaining('ERROR_EMPTY_MANIFEST: the test set would be empty'),
    });
    expect((error as Error).message).toContain(`${RUN}/dataset/report.json`);
    expect(JSON.parse(written(`${RUN}/dataset/report.json`))).toMatchObject({
      accepted: 1,
      test: 0,
      blockers: [{ code: 'ERROR_EMPTY_MANIFEST' }],
    });
    expect(s3).not.toHaveReceivedCommandWith(PutObjectCommand, { Key: `${RUN}/dataset/train.manifest` });
    expect(s3).not.toHaveReceivedCommandWith(PutObjectCommand, { Key: `${RUN}/dataset/test.manifest` });
    expect(s3).not.toHaveReceivedCommand(CreateMultipartUploadCommand);
  });

  it("keeps the run's bucket and label attribute even when most lines disagree, rejecting the others by name", async () => {
    const own = Array.from({ length: 4 }, (_, i) =>
      gtText({ sourceRef: `s3://${BUCKET}/incoming/logos/own-${i}.jpg` }),
    );
    const foreign = Array.from({ length: 6 }, (_, i) => gtText({ sourceRef: `s3://elsewhere/x-${i}.jpg` }));
    const otherAttribute = Array.from({ length: 6 }, (_, i) =>
      gtText({ sourceRef: `s3://${BUCKET}/incoming/logos/chained-${i}.jpg`, attribute: 'other-job' }),
    );
    serveLines([...foreign, ...otherAttribute, ...own]);

    const summary = await postProcess(sample);

    expect(summary).toMatchObject({ accepted: 4, rejected: 12 });
    const report = JSON.parse(written(`${RUN}/dataset/report.json`));
    expect(report).toMatchObject({
      bucket: BUCKET,
      labelAttributeName: 'bounding-box',
      rejectedByReason: { ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS: 6, LABEL_ATTRIBUTE_MISMATCH: 6 },
      blockers: [],
    });
    // The run decided both, so no majority warning: the lines were simply not the run's.
    expect(report.warnings.join(' ')).not.toContain('where most are');
  });
});
