import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { parseOutputRecord } from '../../../functions/conversion/rules/output-manifest';
import { answerTask } from '../../../functions/labeling/builtin/aws/answers';
import { claimTask } from '../../../functions/labeling/builtin/aws/claims';
import { getJob, updateIf } from '../../../functions/labeling/builtin/aws/table';
import { READY_DETAIL_TYPE, READY_SOURCE } from '../../../functions/labeling/builtin/contracts/ready-event';
import { imageKey } from '../../../functions/labeling/builtin/contracts/table-items';
import { finalizeBuiltinJob, handler } from '../../../functions/labeling/builtin/finalize-job/handler';
import type { Caller } from '../../../functions/labeling/builtin/rules/caller';
import type { LocalDynamoDb } from '../../../local-runtime/stand-ins/dynamodb-local';
import { fakeContext } from '../../fake-context';
import { BUCKET, seedJob, startTable } from './table-fixture';

const s3 = mockClient(S3Client);
const events = mockClient(EventBridgeClient);
const sfn = mockClient(SFNClient);

const objects = new Map<string, string>();
const ready = (jobId: string, reason = 'complete') => ({
  version: '0',
  id: 'e-1',
  source: READY_SOURCE,
  'detail-type': READY_DETAIL_TYPE,
  account: '123456789012',
  time: '2026-12-01T10:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: { jobId, reason },
});
const who = (sub: string): Caller => ({ sub, email: `${sub}@example.com`, groups: [], admin: false });
/** Writes an answer straight into the image item, as the answer route does, for a deterministic layout. */
const answerDirectly = (jobId: string, taskId: string, sub: string, boxes: Box[]) =>
  updateIf({
    Key: imageKey(jobId, taskId),
    UpdateExpression:
      'SET answers.#me = :a, answerCount = answerCount + :one, answeredBy = list_append(answeredBy, :me)',
    ExpressionAttributeNames: { '#me': sub },
    ExpressionAttributeValues: {
      ':a': {
        boxes,
        nothingToLabel: boxes.length === 0,
        durationMs: 3000,
        claimedAt: '2026-12-01T09:00:00.000Z',
        submittedAt: `2026-12-01T09:00:0${sub === 'ana' ? 1 : 2}.000Z`,
        // As the answer route stores it, from the labeler's ID token.
        email: `${sub}@example.com`,
      },
      ':one': 1,
      ':me': [sub],
    },
  });
type Box = { label: string; left: number; top: number; width: number; height: number };
const label = async (
  jobId: string,
  sub: string,
  boxes: { label: string; left: number; top: number; width: number; height: number }[],
) => {
  const job = await getJob(jobId);
  if (!job) throw new Error('no job');
  const claimed = await claimTask(job, who(sub), new Date(), 300);
  if (!claimed.task) throw new Error(`nothing to claim for ${sub}`);
  await answerTask(
    job,
    who(sub),
    claimed.task.taskId,
    { boxes, nothingToLabel: boxes.length === 0, durationMs: 3000 },
    new Date(),
  );
  return claimed.task.taskId;
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
  s3.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
    objects.set(String(input.Key), String(input.Body));
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const text = objects.get(input.Key);
    if (text === undefined) throw new NoSuchKey({ message: 'no such key', $metadata: {} });
    return { Body: { transformToString: async () => text } as unknown as GetObjectCommandOutput['Body'] };
  });
  s3.on(DeleteObjectCommand).callsFake((input: { Key: string }) => {
    objects.delete(input.Key);
    return {};
  });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
});

const storeToken = (jobId: string) =>
  objects.set(
    `task-tokens/${jobId}.json`,
    JSON.stringify({
      taskToken: `token-${jobId}`,
      runId: jobId,
      createdAt: '2026-12-01T09:00:00Z',
      backend: 'builtin',
    }),
  );

describe('finalizeBuiltinJob', () => {
  it('writes the Ground Truth-format output and worker responses, resumes the run once, and completes the job', async () => {
    const jobId = 'fin-ok';
    await seedJob(jobId, { images: 3, workersPerObject: 2 });
    storeToken(jobId);
    const boxA = { label: 'globex', left: 100, top: 100, width: 200, height: 100 };
    await answerDirectly(jobId, '000000', 'ana', [boxA]);
    await answerDirectly(jobId, '000000', 'bo', [{ ...boxA, left: 110 }]);
    await answerDirectly(jobId, '000001', 'ana', [{ ...boxA, label: 'acme' }]);

    const result = await handler(ready(jobId) as never, fakeContext as never);

    const prefix = `runs/${jobId}/labeling/output/${jobId}/`;
    const manifest = (objects.get(`${prefix}manifests/output/output.manifest`) ?? '')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(manifest).toHaveLength(3);
    expect(manifest[0]['source-ref']).toBe(`s3://${BUCKET}/incoming/${jobId}/img-0.jpg`);
    expect(manifest[0]['bounding-box']).toEqual({
      image_size: [{ width: 640, height: 480, depth: 3 }],
      annotations: [{ class_id: 1, left: 105, top: 100, width: 200, height: 100 }],
    });
    expect(manifest[0]['bounding-box-metadata']).toMatchObject({
      objects: [{ confidence: 0.95 }],
      'class-map': { '1': 'globex' },
      type: 'groundtruth/object-detection',
      'human-annotated': 'yes',
      'job-name': `labeling-job/${jobId}`,
    });
    expect(manifest[0]['bounding-box-metadata']['creation-date']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    expect(manifest[1]['bounding-box'].annotations).toEqual([
      { class_id: 0, left: 100, top: 100, width: 200, height: 100 },
    ]);
    expect(manifest[1]['bounding-box-metadata'].objects).toEqual([{ confidence: 0 }]);
    expect(manifest[2]['bounding-box']).toBeUndefined();
    expect(manifest[2]['bounding-box-metadata']['failure-reason']).toContain('no labeler answered');
    // PostProcess reads the lines as Ground Truth's.
    expect(parseOutputRecord({ text: JSON.stringify(manifest[0]), value: undefined }, 'bounding-box')).toMatchObject({
      ok: true,
    });
    expect(parseOutputRecord({ text: JSON.stringify(manifest[2]), value: undefined }, 'bounding-box')).toMatchObject({
      ok: false,
    });

    const responses = [...objects.keys()].filter((k) =>
      k.startsWith(`${prefix}annotations/worker-response/iteration-1/`),
    );
    expect(responses.map((k) => k.split('/').at(-2)).sort()).toEqual(['0', '1']);
    const response = JSON.parse(objects.get(responses.find((k) => k.includes('/iteration-1/0/')) as string) ?? '{}');
    expect(response.answers.map((a: { workerId: string }) => a.workerId)).toEqual(['ana', 'bo']);
    expect(response.answers[0]).toMatchObject({
      workerId: 'ana',
      answerContent: { boundingBox: { boundingBoxes: [boxA], inputImageProperties: { width: 640, height: 480 } } },
      workerMetadata: { identityData: { identityProviderType: 'Cognito', sub: 'ana' } },
      timeSpentInSeconds: 3,
    });
    // The e-mail from the labeler's ID token goes along, so the dataset report can name them by it.
    expect(response.answers[0].workerMetadata.identityData.email).toBe('ana@example.com');
    expect(result).toEqual({ action: 'finalized', jobId, resumed: 'delivered', labeled: 2 });
    const output = JSON.parse(String(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output));
    expect(output).toEqual({
      jobName: jobId,
      status: 'Completed',
      outputManifestS3Uri: `s3://${BUCKET}/${prefix}manifests/output/output.manifest`,
      labelCounters: { TotalLabeled: 2, HumanLabeled: 2, MachineLabeled: 0, FailedNonRetryableError: 0, Unlabeled: 1 },
    });
    expect(objects.has(`task-tokens/${jobId}.json`)).toBe(false);
    expect(await getJob(jobId)).toMatchObject({ status: 'completed', finalReason: 'complete' });

    await expect(finalizeBuiltinJob(ready(jobId, 'closed'))).resolves.toEqual({
      action: 'ignored',
      reason: 'not-open',
    });
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
  });

  it('fails the run with NothingLabeled when an admin closes a job nobody answered', async () => {
    await seedJob('fin-empty', { images: 2 });
    storeToken('fin-empty');

    await expect(finalizeBuiltinJob(ready('fin-empty', 'closed'))).resolves.toMatchObject({
      action: 'finalized',
      labeled: 0,
    });
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: 'token-fin-empty',
      error: 'NothingLabeled',
    });
  });

  it('ignores malformed events and unknown jobs', async () => {
    await expect(finalizeBuiltinJob({ detail: {} })).resolves.toEqual({ action: 'ignored', reason: 'malformed' });
    await expect(finalizeBuiltinJob(ready('no-such-job'))).resolves.toEqual({ action: 'ignored', reason: 'no-job' });
  });

  it('puts the job back to open when writing fails, so a retry can finalize it', async () => {
    await seedJob('fin-retry', { images: 1, workersPerObject: 1 });
    await label('fin-retry', 'ana', []);
    s3.on(PutObjectCommand).rejects(new Error('S3 is down'));

    await expect(finalizeBuiltinJob(ready('fin-retry'))).rejects.toThrow('S3 is down');
    expect(await getJob('fin-retry')).toMatchObject({ status: 'open' });
  });
});
