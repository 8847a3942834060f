import { Readable } from 'node:stream';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { labelingBackends } from '../../../functions/labeling/aws/labeling-backends';
import { getImage, getJob, updateIf } from '../../../functions/labeling/builtin/aws/table';
import { jobKey } from '../../../functions/labeling/builtin/contracts/table-items';
import { expireBuiltinJobs } from '../../../functions/labeling/builtin/expire-jobs/handler';
import { reconcileLabelingJob } from '../../../functions/labeling/reconcile-labeling-job/handler';
import { startLabelingJob } from '../../../functions/labeling/start-labeling-job/handler';
import type { LocalDynamoDb } from '../../../local-runtime/stand-ins/dynamodb-local';
import { BUCKET, seedJob, startTable, TABLE, table } from './table-fixture';

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const events = mockClient(EventBridgeClient);
const objects = new Map<string, string>();

const run = (jobName: string, over: Record<string, unknown> = {}) => ({
  runId: jobName,
  jobName,
  executionName: jobName,
  bucket: BUCKET,
  prefix: 'incoming/logos/',
  batch: 'logos',
  runPrefix: `runs/${jobName}/`,
  labels: ['acme', 'globex'],
  labelAttributeName: 'bounding-box',
  taskTitle: 'Box the logos',
  taskDescription: 'One box per logo',
  workersPerObject: 3,
  taskTimeLimitSeconds: 300,
  maxConcurrentTaskCount: 1000,
  autoLabeling: false,
  projectName: 'p',
  train: false,
  testFraction: 0.2,
  minConfidence: 0,
  labelingBackend: 'builtin' as const,
  instructions: '# Tight boxes',
  labelerGroup: 'team-a',
  taskAvailabilityLifetimeSeconds: 86_400,
  ...over,
});
const startInput = (jobName: string, images = 30) => {
  const keys = Array.from({ length: images }, (_, i) => `incoming/logos/img-${i}.jpg`);
  objects.set(
    `runs/${jobName}/labeling/input.manifest`,
    `${keys.map((k) => JSON.stringify({ 'source-ref': `s3://${BUCKET}/${k}` })).join('\n')}\n`,
  );
  objects.set(
    `runs/${jobName}/labeling/label-categories.json`,
    JSON.stringify({ labels: [{ label: 'acme' }, { label: 'globex' }] }),
  );
  objects.set(
    `runs/${jobName}/validation.json`,
    JSON.stringify({
      images: [
        ...keys.map((key, i) => ({ key, verdict: 'accepted', width: 100 + i, height: 50 })),
        { key: 'incoming/logos/bad.gif', verdict: 'rejected', width: null, height: null },
      ],
    }),
  );
  return {
    taskToken: `token-${jobName}`,
    run: run(jobName),
    validation: {
      total: images + 1,
      accepted: images,
      rejected: 1,
      byReason: {},
      reportUri: `s3://${BUCKET}/runs/${jobName}/validation.json`,
    },
    manifest: {
      manifestUri: `s3://${BUCKET}/runs/${jobName}/labeling/input.manifest`,
      labelCategoryConfigUri: `s3://${BUCKET}/runs/${jobName}/labeling/label-categories.json`,
      objects: images,
    },
  };
};

let db: LocalDynamoDb;
beforeAll(async () => {
  db = await startTable();
});
afterAll(() => db.stop());
beforeEach(() => {
  objects.clear();
  s3.reset();
  sfn.reset();
  events.reset();
  s3.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
    objects.set(String(input.Key), String(input.Body));
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const text = objects.get(input.Key);
    if (text === undefined) throw new NoSuchKey({ message: 'no such key', $metadata: {} });
    return { Body: Object.assign(Readable.from([Buffer.from(text)]), { transformToString: async () => text }) };
  });
  s3.on(DeleteObjectCommand).callsFake((input: { Key: string }) => {
    objects.delete(input.Key);
    return {};
  });
  sfn.on(SendTaskSuccessCommand).resolves({});
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
});

describe('the built-in backend', () => {
  it('stores the token first, then writes the job and one image per manifest line with validation.json sizes', async () => {
    const out = await startLabelingJob(startInput('start-ok'));

    expect(out).toEqual({ jobName: 'start-ok', backend: 'builtin', autoLabeling: false, reusedExistingJob: false });
    expect(JSON.parse(objects.get('task-tokens/start-ok.json') ?? '{}')).toMatchObject({
      backend: 'builtin',
      taskToken: 'token-start-ok',
    });
    expect(await getJob(table, 'start-ok')).toMatchObject({
      status: 'open',
      imagesWritten: true,
      imageCount: 30,
      labels: ['acme', 'globex'],
      instructions: '# Tight boxes',
      labelerGroup: 'team-a',
      workersPerObject: 3,
      taskTimeLimitSeconds: 300,
    });
    expect(await getImage(table, 'start-ok', '000029')).toMatchObject({
      sourceRef: `s3://${BUCKET}/incoming/logos/img-29.jpg`,
      width: 129,
      height: 50,
      openJob: 'start-ok',
      answerCount: 0,
    });
    expect(JSON.parse(objects.get('runs/start-ok/labeling/job.json') ?? '{}')).toMatchObject({
      backend: 'builtin',
      imageCount: 30,
      taskAvailabilityLifetimeSeconds: 86_400,
      reusedExistingJob: false,
    });
  });

  it('writes every image of a job larger than one round of BatchWrites (4 of 25 at a time), the last partial one too', async () => {
    const out = await startLabelingJob(startInput('start-big', 1_003));

    expect(out).toMatchObject({ jobName: 'start-big', reusedExistingJob: false });
    expect(await getJob(table, 'start-big')).toMatchObject({ imagesWritten: true, imageCount: 1_003 });
    for (const index of ['000000', '000099', '000100', '000999', '001002']) {
      expect(await getImage(table, 'start-big', index)).toMatchObject({ openJob: 'start-big', answerCount: 0 });
    }
    expect(await getImage(table, 'start-big', '001003')).toBeUndefined();
  });

  it('is idempotent on retry: no answer is overwritten and the job is reused', async () => {
    await startLabelingJob(startInput('start-retry', 3));
    await updateIf(table, {
      Key: { pk: 'JOB#start-retry', sk: 'IMG#000000' },
      UpdateExpression: 'SET answers.#a = :x, answerCount = :one',
      ExpressionAttributeNames: { '#a': 'ana' },
      ExpressionAttributeValues: {
        ':x': { boxes: [], nothingToLabel: true, claimedAt: 'x', submittedAt: 'y' },
        ':one': 1,
      },
    });

    const again = await startLabelingJob(startInput('start-retry', 3));

    expect(again.reusedExistingJob).toBe(true);
    expect((await getImage(table, 'start-retry', '000000'))?.answers).toHaveProperty('ana');
  });

  it('refuses a job name that belongs to another run, dropping its own token', async () => {
    await seedJob('start-clash');
    const input = startInput('start-clash', 2);

    await expect(startLabelingJob({ ...input, run: { ...input.run, runId: 'other-run' } })).rejects.toMatchObject({
      name: 'InvalidInput',
    });
    expect(objects.has('task-tokens/start-clash.json')).toBe(false);
  });

  it('fails clearly when validation.json lacks an image of the manifest', async () => {
    const input = startInput('start-nosize', 2);
    objects.set('runs/start-nosize/validation.json', JSON.stringify({ images: [] }));

    await expect(startLabelingJob(input)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('img-0.jpg'),
    });
  });

  it('reconciles a job finalized while its signal was lost, and stops one still open', async () => {
    await seedJob('rec-done');
    await updateIf(table, {
      Key: jobKey('rec-done'),
      UpdateExpression: 'SET #s = :c, outputManifestS3Uri = :u, labelCounters = :n',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':c': 'completed', ':u': 's3://b/out.manifest', ':n': { TotalLabeled: 3 } },
    });
    await seedJob('rec-open');
    const ctx = (jobName: string) => ({ run: { runId: jobName, jobName, labelingBackend: 'builtin' as const } });

    await expect(reconcileLabelingJob(ctx('rec-done'))).resolves.toEqual({
      jobName: 'rec-done',
      status: 'Completed',
      outputManifestS3Uri: 's3://b/out.manifest',
      labelCounters: { TotalLabeled: 3 },
    });
    await expect(reconcileLabelingJob(ctx('rec-open'))).rejects.toMatchObject({ name: 'LabelingJobTimedOut' });
    expect(await getJob(table, 'rec-open')).toMatchObject({ status: 'stopped' });
    await expect(reconcileLabelingJob(ctx('rec-none'))).rejects.toMatchObject({ name: 'LabelingJobFailed' });
  });

  it('reports each backend-neutral outcome for a sweep: running, completed, or no such job', async () => {
    await seedJob('out-open');

    await expect(labelingBackends({ LABELING_TABLE: TABLE }).builtin.outcome('out-open')).resolves.toEqual({
      kind: 'running',
      status: 'open',
    });
    await expect(labelingBackends({ LABELING_TABLE: TABLE }).builtin.outcome('rec-done')).resolves.toMatchObject({
      kind: 'completed',
    });
    await expect(labelingBackends({ LABELING_TABLE: TABLE }).builtin.outcome('no-such-job')).resolves.toBeUndefined();
  });

  it('sends expired jobs to finalization, and leaves live ones alone', async () => {
    const long = new Date(Date.now() - 40 * 86_400_000);
    await seedJob('exp-old', { now: long });
    await seedJob('exp-live');
    const answered = await seedJob('exp-answered', { images: 1, workersPerObject: 1 });
    // Its last answer was recorded, but the completion request was lost.
    await updateIf(table, {
      Key: { pk: answered.pk, sk: 'IMG#000000' },
      UpdateExpression: 'SET answerCount = :one REMOVE openJob, openSort',
      ExpressionAttributeValues: { ':one': 1 },
    });

    const swept = await expireBuiltinJobs();

    expect(swept.requested).toEqual(expect.arrayContaining(['exp-old', 'exp-answered']));
    expect(swept.requested).not.toContain('exp-live');
    expect(events).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [expect.objectContaining({ Detail: JSON.stringify({ jobId: 'exp-answered', reason: 'complete' }) })],
    });
    expect(events).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [expect.objectContaining({ Detail: JSON.stringify({ jobId: 'exp-old', reason: 'expired' }) })],
    });
  });
});
