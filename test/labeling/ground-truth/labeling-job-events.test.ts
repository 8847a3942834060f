import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  DescribeLabelingJobCommand,
  type DescribeLabelingJobCommandOutput,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, labelingJobEvents } from '../../../functions/labeling/ground-truth/labeling-job-events/handler';
import { fakeContext } from '../../fake-context';

const s3 = mockClient(S3Client);
const sageMaker = mockClient(SageMakerClient);
const sfn = mockClient(SFNClient);

const readEvent = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../../events', name), 'utf8'));
// The AWS documentation's sample event, unchanged (events/labeling-job-completed.json).
const completed = readEvent('labeling-job-completed.json');
const failed = readEvent('labeling-job-failed.json');
const stopped = readEvent('labeling-job-stopped.json');

const JOB = 'test-labeling-job';
const BUCKET = 'labeling-pipeline-local-data';
const TOKEN_KEY = `task-tokens/${JOB}.json`;
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAA'.padEnd(1500, 'x');
const OUTPUT = `s3://${BUCKET}/runs/${JOB}/labeling/output/${JOB}/manifests/output/output.manifest`;
const COUNTERS = { TotalLabeled: 10, HumanLabeled: 10, MachineLabeled: 0, FailedNonRetryableError: 0, Unlabeled: 0 };

const storedToken = () =>
  s3.on(GetObjectCommand, { Bucket: BUCKET, Key: TOKEN_KEY }).resolves({
    Body: {
      transformToString: async () =>
        JSON.stringify({ taskToken: TOKEN, runId: JOB, executionName: JOB, createdAt: '2026-11-25T12:00:00.000Z' }),
    } as unknown as GetObjectCommandOutput['Body'],
  });
const job = (output: Partial<DescribeLabelingJobCommandOutput>) =>
  sageMaker
    .on(DescribeLabelingJobCommand, { LabelingJobName: JOB })
    .resolves({ LabelingJobName: JOB, LabelCounters: COUNTERS, ...output });

describe('labeling-job-events', () => {
  beforeEach(() => {
    s3.reset();
    sageMaker.reset();
    sfn.reset();
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no such key', $metadata: {} }));
    s3.on(DeleteObjectCommand).resolves({});
  });

  it('resumes the run with the LabelingResult when the documented Completed event arrives', async () => {
    storedToken();
    job({ LabelingJobStatus: 'Completed', LabelingJobOutput: { OutputDatasetS3Uri: OUTPUT } });

    const result = await handler(completed, fakeContext);

    expect(result).toEqual({ action: 'resumed', jobName: JOB, outcome: 'Completed' });
    expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
    const output = JSON.parse(String(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output));
    expect(output).toEqual({ jobName: JOB, status: 'Completed', outputManifestS3Uri: OUTPUT, labelCounters: COUNTERS });
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: TOKEN_KEY });
  });

  it('fails the run with LabelingJobFailed and the FailureReason on a Failed event', async () => {
    storedToken();
    job({ LabelingJobStatus: 'Failed', FailureReason: 'ClientError: Cannot read the input manifest' });

    const result = await labelingJobEvents(failed);

    expect(result).toEqual({ action: 'resumed', jobName: JOB, outcome: 'LabelingJobFailed' });
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, {
      taskToken: TOKEN,
      error: 'LabelingJobFailed',
      cause: `labeling job ${JOB} failed: ClientError: Cannot read the input manifest`,
    });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: TOKEN_KEY });
  });

  it('fails the run with LabelingJobStopped on a Stopped event', async () => {
    storedToken();
    job({ LabelingJobStatus: 'Stopped' });

    await labelingJobEvents(stopped);

    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { error: 'LabelingJobStopped', taskToken: TOKEN });
  });

  it('fails the run with NothingLabeled when the job completed without labeling anything', async () => {
    storedToken();
    job({
      LabelingJobStatus: 'Completed',
      LabelingJobOutput: { OutputDatasetS3Uri: OUTPUT },
      LabelCounters: { TotalLabeled: 0, Unlabeled: 10 },
    });

    const result = await labelingJobEvents(completed);

    expect(result).toMatchObject({ outcome: 'NothingLabeled' });
    expect(sfn).toHaveReceivedCommandWith(SendTaskFailureCommand, { error: 'NothingLabeled' });
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('ignores a duplicate event once the token has been used', async () => {
    job({ LabelingJobStatus: 'Completed', LabelingJobOutput: { OutputDatasetS3Uri: OUTPUT } });

    const result = await labelingJobEvents(completed);

    expect(result).toEqual({ action: 'ignored', reason: 'not-ours' });
    expect(sageMaker).not.toHaveReceivedAnyCommand();
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('ignores a job this pipeline did not start, without an error', async () => {
    const foreign = {
      ...completed,
      resources: ['arn:aws:sagemaker:us-east-1:111122223333:labeling-job/someone-elses'],
    };

    await expect(labelingJobEvents(foreign)).resolves.toEqual({ action: 'ignored', reason: 'not-ours' });
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Key: 'task-tokens/someone-elses.json' });
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it.each([
    ['TaskTimedOut', new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['InvalidToken', new InvalidToken({ message: 'Invalid Token', $metadata: {} })],
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} })],
  ])('acknowledges %s from Step Functions as already done and removes the token', async (_name, error) => {
    storedToken();
    job({ LabelingJobStatus: 'Completed', LabelingJobOutput: { OutputDatasetS3Uri: OUTPUT } });
    sfn.on(SendTaskSuccessCommand).rejects(error);

    const result = await labelingJobEvents(completed);

    expect(result).toEqual({ action: 'already-closed', jobName: JOB, outcome: 'Completed' });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: TOKEN_KEY });
  });

  it('lets other Step Functions errors fail the invocation, so the event is retried', async () => {
    storedToken();
    job({ LabelingJobStatus: 'Completed', LabelingJobOutput: { OutputDatasetS3Uri: OUTPUT } });
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(labelingJobEvents(completed)).rejects.toThrow('Rate exceeded');
    expect(s3).not.toHaveReceivedCommand(DeleteObjectCommand);
  });

  it('retries later when SageMaker does not yet report the status the event announced', async () => {
    storedToken();
    job({ LabelingJobStatus: 'InProgress' });

    await expect(labelingJobEvents(completed)).rejects.toThrow(/reported Completed but is InProgress/);
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('fails loudly on a corrupt token record rather than dropping the run', async () => {
    s3.on(GetObjectCommand, { Key: TOKEN_KEY }).resolves({
      Body: { transformToString: async () => '{"runId":"x"}' } as unknown as GetObjectCommandOutput['Body'],
    });

    await expect(labelingJobEvents(completed)).rejects.toThrow(`task token record ${TOKEN_KEY} is malformed`);
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('lets a DescribeLabelingJob error fail the invocation, so the event is retried', async () => {
    storedToken();
    sageMaker
      .on(DescribeLabelingJobCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(labelingJobEvents(completed)).rejects.toThrow('Rate exceeded');
    expect(s3).not.toHaveReceivedCommand(DeleteObjectCommand);
  });

  it.each([
    ['an empty object', {}],
    ['a string', 'Completed'],
    ['a different source', { ...completed, source: 'aws.s3' }],
    ['an event without resources', { ...completed, resources: [] }],
    ['an event without a status', { ...completed, detail: {} }],
  ])('treats %s as a logged no-op', async (_what, event) => {
    await expect(handler(event, fakeContext)).resolves.toEqual({ action: 'ignored', reason: 'malformed' });
    expect(s3).not.toHaveReceivedAnyCommand();
    expect(sfn).not.toHaveReceivedAnyCommand();
  });

  it('treats an ARN that is not a labeling job as a logged no-op', async () => {
    const event = {
      ...completed,
      resources: ['arn:aws:sagemaker:us-east-1:111122223333:training-job/test-labeling-job'],
    };

    await expect(labelingJobEvents(event)).resolves.toEqual({ action: 'ignored', reason: 'not-a-labeling-job' });
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it('ignores statuses that do not end a job', async () => {
    const event = { ...completed, detail: { LabelingJobStatus: 'InProgress' } };

    await expect(labelingJobEvents(event)).resolves.toEqual({ action: 'ignored', reason: 'not-terminal' });
    expect(s3).not.toHaveReceivedAnyCommand();
  });
});
