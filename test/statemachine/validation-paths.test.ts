import { Readable } from 'node:stream';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { jpegImage, pngImage } from '../fixtures/images';
import { runStateMachine } from './harness';

const s3 = mockClient(S3Client);
const eventBridge = mockClient(EventBridgeClient);
const BUCKET = 'labeling-pipeline-local-data';
const PREFIX = 'incoming/logos-2026/';
const input = { bucket: BUCKET, prefix: PREFIX, labels: ['acme', 'globex'] };

/**
 * A small in-memory bucket: ranged GETs of the batch, and whatever the run writes (validation.json)
 * can be read back by the next state, as on S3.
 */
const serveBucket = (batch: Record<string, Buffer>) => {
  const objects = new Map(Object.entries(batch).map(([k, v]) => [`${PREFIX}${k}`, v]));
  s3.on(ListObjectsV2Command).callsFake(() => ({
    Contents: [...objects]
      .filter(([key]) => key.startsWith(PREFIX))
      .map(([Key, body]) => ({ Key, Size: body.length, ETag: `"${Key}"` })),
    IsTruncated: false,
  }));
  s3.on(GetObjectCommand).callsFake((req: { Key: string; Range?: string }) => {
    const body = objects.get(req.Key) ?? Buffer.alloc(0);
    const [, from, to] = /^bytes=(\d+)-(\d+)$/.exec(req.Range ?? '') ?? [];
    const part = from === undefined ? body : body.subarray(Number(from), Number(to) + 1);
    return { Body: sdkStreamMixin(Readable.from([part])) };
  });
  s3.on(PutObjectCommand).callsFake((req: { Key: string; Body: unknown }) => {
    objects.set(req.Key, Buffer.from(req.Body as Buffer | string));
    return {};
  });
  return objects;
};

const labelingDone = async () => {
  throw Object.assign(new Error('stop here: this test is about validation'), { name: 'LabelingJobStopped' });
};

describe('state machine: validation paths', () => {
  beforeEach(() => {
    s3.reset();
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
  });

  it('continues to BuildManifest and the labeling job when only some images are rejected', async () => {
    const objects = serveBucket({
      'batch.json': Buffer.from('{}'),
      'logo 1.jpg': jpegImage(200, 150),
      'logo-2.png': pngImage(300, 300),
      'tiny.png': pngImage(16, 16),
      'notes.jpg': Buffer.from('hello'),
    });
    let labelingPayload: unknown;

    const result = await runStateMachine({
      input,
      overrides: {
        StartLabelingJobAndWait: async (payload) => {
          labelingPayload = payload;
          return labelingDone();
        },
      },
    });

    expect(result.path.slice(0, 7)).toEqual([
      'PrepareRun',
      'PlanValidation',
      'ValidateImages',
      'SummarizeValidation',
      'HasValidImages',
      'BuildManifest',
      'StartLabelingJobAndWait',
    ]);
    expect(labelingPayload).toMatchObject({
      validation: { total: 4, accepted: 2, rejected: 2, byReason: { TOO_SMALL: 1, UNSUPPORTED_FORMAT: 1 } },
      manifest: { objects: 2 },
    });
    const manifestKey = [...objects.keys()].find((k) => k.endsWith('labeling/input.manifest')) ?? '';
    const lines = String(objects.get(manifestKey))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { 'source-ref': `s3://${BUCKET}/${PREFIX}logo 1.jpg` },
      { 'source-ref': `s3://${BUCKET}/${PREFIX}logo-2.png` },
    ]);
  });

  it('ends FAILED with NoValidImages through the NoValidImages state when every image is rejected', async () => {
    serveBucket({ 'tiny.png': pngImage(16, 16), 'notes.jpg': Buffer.from('hello'), 'empty.jpg': Buffer.alloc(0) });

    const result = await runStateMachine({ input, overrides: { StartLabelingJobAndWait: labelingDone } });

    expect(result.status).toBe('FAILED');
    expect(result.path).toEqual([
      'PrepareRun',
      'PlanValidation',
      'ValidateImages',
      'SummarizeValidation',
      'HasValidImages',
      'NoValidImages',
      'PublishFailure',
      'Failed',
    ]);
    expect(result.error?.Error).toBe('NoValidImages');
    expect(result.error?.Cause).toContain('rejected all 3 objects');
    expect(s3).not.toHaveReceivedCommandWith(PutObjectCommand, { Key: expect.stringContaining('input.manifest') });
  });

  it('ends FAILED with BatchTooLarge before any image is read when the batch is too big for one job', async () => {
    s3.on(ListObjectsV2Command).callsFake((req: { ContinuationToken?: string }) => {
      const start = Number(req.ContinuationToken ?? 0);
      return {
        Contents: Array.from({ length: 1000 }, (_, i) => ({
          Key: `${PREFIX}${start + i}.jpg`,
          Size: 5000,
          ETag: `"${i}"`,
        })),
        IsTruncated: start < 250_000,
        NextContinuationToken: String(start + 1000),
      };
    });

    const result = await runStateMachine({ input });

    expect(result.status).toBe('FAILED');
    expect(result.path).toEqual(['PrepareRun', 'PlanValidation', 'PublishFailure', 'Failed']);
    expect(result.error?.Error).toBe('BatchTooLarge');
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });
});
