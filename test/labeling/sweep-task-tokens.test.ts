import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { DescribeLabelingJobCommand, ResourceNotFound, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import scheduledEvent from '../../events/scheduled-sweep.json';
import { handler } from '../../functions/labeling/sweep-task-tokens/handler';
import { fakeContext } from '../fake-context';

const s3 = mockClient(S3Client);
const sageMaker = mockClient(SageMakerClient);
const sfn = mockClient(SFNClient);
const table = mockClient(DynamoDBDocumentClient);

// The scheduled event fires at 14:00; tokens written before 13:00 are due.
const OLD = new Date('2026-11-25T12:30:00Z');
const FRESH = new Date('2026-11-25T13:30:00Z');
const OUTPUT = 's3://labeling-pipeline-test-data/runs/job-a/labeling/output/job-a/manifests/output/output.manifest';

const tokens = (entries: [string, Date][]) =>
  s3.on(ListObjectsV2Command).resolves({
    Contents: entries.map(([job, LastModified]) => ({ Key: `task-tokens/${job}.json`, LastModified })),
  });
const record = (job: string, extra: object = {}) =>
  s3.on(GetObjectCommand, { Key: `task-tokens/${job}.json` }).callsFake(() => ({
    Body: sdkStreamMixin(
      Readable.from([
        JSON.stringify({ taskToken: `token-${job}`, runId: job, createdAt: OLD.toISOString(), ...extra }),
      ]),
    ),
  }));
const sweep = () => handler(scheduledEvent, fakeContext);

describe('sweep-task-tokens', () => {
  beforeEach(() => {
    s3.reset();
    sageMaker.reset();
    sfn.reset();
    table.reset();
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
  });

  it('resumes the run of a job that completed, deletes its token, and skips tokens under an hour old', async () => {
    tokens([
      ['job-a', OLD],
      ['job-b', FRESH],
    ]);
    record('job-a');
    sageMaker.on(DescribeLabelingJobCommand, { LabelingJobName: 'job-a' }).resolves({
      LabelingJobStatus: 'Completed',
      LabelingJobOutput: { OutputDatasetS3Uri: OUTPUT },
      LabelCounters: { TotalLabeled: 3 },
    });

    const result = await sweep();

    expect(result).toEqual({ checked: 1, tokens: [{ jobName: 'job-a', action: 'resumed', outcome: 'Completed' }] });
    const sent = sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input;
    expect(sent?.taskToken).toBe('token-job-a');
    expect(JSON.parse(sent?.output ?? '{}')).toMatchObject({ jobName: 'job-a', outputManifestS3Uri: OUTPUT });
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.Key)).toEqual(['task-tokens/job-a.json']);
    expect(sageMaker.commandCalls(DescribeLabelingJobCommand)).toHaveLength(1);
  });

  it('fails the wait with LabelingJobFailed when the job does not exist', async () => {
    tokens([['job-a', OLD]]);
    record('job-a');
    sageMaker.on(DescribeLabelingJobCommand).rejects(new ResourceNotFound({ message: 'not found', $metadata: {} }));

    const result = await sweep();

    expect(result.tokens).toEqual([{ jobName: 'job-a', action: 'resumed', outcome: 'LabelingJobFailed' }]);
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toMatchObject({ error: 'LabelingJobFailed' });
  });

  it('reports a run the event already resumed as already closed, and still removes the token', async () => {
    tokens([['job-a', OLD]]);
    record('job-a');
    sageMaker.on(DescribeLabelingJobCommand).resolves({ LabelingJobStatus: 'Stopped' });
    sfn.on(SendTaskFailureCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    const result = await sweep();

    expect(result.tokens).toEqual([{ jobName: 'job-a', action: 'already-closed', outcome: 'LabelingJobStopped' }]);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(1);
  });

  it('skips a token deleted since the listing', async () => {
    tokens([['job-a', OLD]]);
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));

    const result = await sweep();

    expect(result.tokens).toEqual([{ jobName: 'job-a', action: 'left', reason: 'already resumed' }]);
    expect(sageMaker.commandCalls(DescribeLabelingJobCommand)).toHaveLength(0);
  });

  it("asks each token's own backend (the built-in table, Ground Truth), and goes on past one that fails", async () => {
    tokens([
      ['job-a', OLD],
      ['job-b', OLD],
      ['job-c', OLD],
    ]);
    record('job-a', { backend: 'builtin' });
    record('job-b', { backend: 'ground-truth' });
    record('job-c');
    table.on(GetCommand).resolves({ Item: { pk: 'JOB#job-a', sk: 'JOB', jobId: 'job-a', status: 'open' } });
    sageMaker.on(DescribeLabelingJobCommand, { LabelingJobName: 'job-b' }).rejects(new Error('throttled'));
    sageMaker
      .on(DescribeLabelingJobCommand, { LabelingJobName: 'job-c' })
      .resolves({ LabelingJobStatus: 'InProgress' });

    const result = await sweep();

    expect(result.tokens).toEqual([
      { jobName: 'job-a', action: 'left', reason: 'open' },
      { jobName: 'job-b', action: 'left', reason: 'throttled' },
      { jobName: 'job-c', action: 'left', reason: 'InProgress' },
    ]);
    expect(table.commandCalls(GetCommand)).toHaveLength(1);
    expect(sageMaker.commandCalls(DescribeLabelingJobCommand).map((c) => c.args[0].input.LabelingJobName)).toEqual([
      'job-b',
      'job-c',
    ]);
    expect(sfn.calls()).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });
});
