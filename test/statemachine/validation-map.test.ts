import { Readable } from 'node:stream';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { ValidationReport } from '../../functions/validation/contracts/validation-report';
import { importHandler } from '../../local-runtime/stack/lambda-registry';
import { fakeContext } from '../fake-context';
import { jpegImage } from '../fixtures/images';
import { runStateMachine } from './harness';

const s3 = mockClient(S3Client);
const eventBridge = mockClient(EventBridgeClient);
const BUCKET = 'labeling-pipeline-local-data';
const PREFIX = 'incoming/logos-2026/';
const input = { bucket: BUCKET, prefix: PREFIX, labels: ['acme', 'globex'] };
const IMAGES = 600;
const keyOf = (i: number) => `${PREFIX}logo-${String(i).padStart(4, '0')}.jpg`;
/** In the third child batch: listing items 500-600 (batch.json sorts first), the keys logo-0499 to logo-0599. */
const FAILING_KEY = keyOf(550);

/** An in-memory bucket with ListObjectsV2 pages, ranged GETs and PUTs, shared by every state. */
const serveBucket = () => {
  const image = jpegImage(120, 90);
  const objects = new Map<string, Buffer>([[`${PREFIX}batch.json`, Buffer.from('{}')]]);
  for (let i = 0; i < IMAGES; i += 1) objects.set(keyOf(i), image);
  s3.on(ListObjectsV2Command).callsFake((req: { Prefix?: string; ContinuationToken?: string }) => {
    const keys = [...objects.keys()].filter((k) => k.startsWith(req.Prefix ?? '')).sort();
    const start = Number(req.ContinuationToken ?? 0);
    const more = start + 200 < keys.length;
    return {
      Contents: keys
        .slice(start, start + 200)
        .map((Key) => ({ Key, Size: objects.get(Key)?.length, ETag: `"${Key}"` })),
      IsTruncated: more,
      NextContinuationToken: more ? String(start + 200) : undefined,
    };
  });
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

/** The real PlanValidation, with the map's tolerance set as the stage parameter would. */
const planTolerating = (percentage: number) => async (event: unknown) => ({
  ...((await (
    await importHandler('planValidation')
  )(event, fakeContext)) as object),
  toleratedFailurePercentage: percentage,
});

/** The real child validator, except for the batch holding FAILING_KEY. */
const childFailingOnce = async (event: unknown) => {
  const { Items } = event as { Items: { Key: string }[] };
  if (Items.some((item) => item.Key === FAILING_KEY)) {
    throw Object.assign(new Error('the batch could not be read'), { name: 'AccessDenied' });
  }
  return (await importHandler('validateImageBatch'))(event, fakeContext);
};

const stopAtLabeling = async () => {
  throw Object.assign(new Error('stop here: this test is about validation'), { name: 'LabelingJobStopped' });
};

describe('state machine: the validation Distributed Map', () => {
  beforeEach(() => {
    s3.reset();
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
  });

  it('lists the batch, validates it in child batches of 250 and writes ResultWriter files the reduce step reads', async () => {
    const objects = serveBucket();
    let labelingPayload: { validation?: object } = {};

    const result = await runStateMachine({
      input,
      overrides: {
        StartLabelingJobAndWait: async (payload) => {
          labelingPayload = payload as typeof labelingPayload;
          return stopAtLabeling();
        },
      },
    });

    expect(result.path.slice(0, 5)).toEqual([
      'PrepareRun',
      'PlanValidation',
      'ValidateImages',
      'SummarizeValidation',
      'HasValidImages',
    ]);
    expect(labelingPayload.validation).toMatchObject({ total: IMAGES, accepted: IMAGES, batches: 3, failedBatches: 0 });
    const manifestKey = [...objects.keys()].find((k) => k.endsWith('/manifest.json')) ?? '';
    expect(manifestKey).toMatch(/^runs\/logos-2026-test\/validation\/map-results\/[0-9a-f-]{36}\/manifest\.json$/);
    const manifest = JSON.parse(String(objects.get(manifestKey)));
    expect(manifest.ResultFiles.SUCCEEDED).toHaveLength(1);
    expect(manifest.ResultFiles.FAILED).toEqual([]);
    const lines = String(objects.get(manifest.ResultFiles.SUCCEEDED[0].Key)).trim().split('\n');
    expect(lines).toHaveLength(IMAGES);
    const report = ValidationReport.parse(JSON.parse(String(objects.get('runs/logos-2026-test/validation.json'))));
    expect(report.images.map((i) => i.key)).toEqual(Array.from({ length: IMAGES }, (_, i) => keyOf(i)));
  });

  it('tolerates a failed child within ToleratedFailurePercentage and reports its objects NOT_CHECKED', async () => {
    const objects = serveBucket();
    let labelingPayload: { validation?: { byReason?: Record<string, number> } } = {};

    const result = await runStateMachine({
      input,
      overrides: {
        PlanValidation: planTolerating(40),
        ValidateImageBatch: childFailingOnce,
        StartLabelingJobAndWait: async (payload) => {
          labelingPayload = payload as typeof labelingPayload;
          return stopAtLabeling();
        },
      },
    });

    expect(result.path).toContain('BuildManifest');
    expect(labelingPayload.validation).toMatchObject({
      total: IMAGES,
      accepted: 499,
      rejected: 101,
      byReason: { NOT_CHECKED: 101 },
      batches: 3,
      failedBatches: 1,
    });
    const report = ValidationReport.parse(JSON.parse(String(objects.get('runs/logos-2026-test/validation.json'))));
    const unchecked = report.images.find((i) => i.key === FAILING_KEY);
    expect(unchecked?.reasons[0]).toMatchObject({
      code: 'NOT_CHECKED',
      message: expect.stringContaining('AccessDenied'),
    });
  });

  it('fails the run with States.ExceedToleratedFailureThreshold when failed children exceed the tolerance', async () => {
    const objects = serveBucket();

    const result = await runStateMachine({
      input,
      overrides: { PlanValidation: planTolerating(0), ValidateImageBatch: childFailingOnce },
    });

    expect(result.status).toBe('FAILED');
    expect(result.path).toEqual(['PrepareRun', 'PlanValidation', 'ValidateImages', 'PublishFailure', 'Failed']);
    expect(result.error?.Error).toBe('States.ExceedToleratedFailureThreshold');
    expect(result.error?.Cause).toContain('AccessDenied');
    expect(objects.has('runs/logos-2026-test/validation.json')).toBe(false);
    const failedFile = [...objects.keys()].find((k) => k.endsWith('/FAILED_0.jsonl')) ?? '';
    expect(JSON.parse(String(objects.get(failedFile)).split('\n')[0] ?? '{}')).toMatchObject({
      Status: 'FAILED',
      Error: 'AccessDenied',
    });
  });
});
