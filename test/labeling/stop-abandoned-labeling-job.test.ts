import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeLabelingJobCommand,
  type DescribeLabelingJobCommandOutput,
  ResourceNotFound,
  SageMakerClient,
  StopLabelingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { deriveRunId } from '../../functions/kernel/rules/run-id';
import { handler, stopAbandonedLabelingJob } from '../../functions/labeling/stop-abandoned-labeling-job/handler';
import { fakeContext } from '../fake-context';

const sageMaker = mockClient(SageMakerClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

const aborted = JSON.parse(readFileSync(join(__dirname, '../../events/execution-aborted.json'), 'utf8'));
const JOB = deriveRunId(aborted.detail.name);
const withStatus = (status: string) => ({ ...aborted, detail: { ...aborted.detail, status } });
const JOB_FILE = { Bucket: 'labeling-pipeline-local-data', Key: `runs/${JOB}/labeling/job.json` };
/** The run's labeling/job.json, as the named backend's start writes it (only `backend` matters here). */
const jobFile = (backend: string) =>
  s3.on(GetObjectCommand, JOB_FILE).callsFake(() => ({
    Body: sdkStreamMixin(Readable.from([Buffer.from(JSON.stringify({ backend, jobName: JOB, runId: JOB }))])),
  }));
const job = (status: DescribeLabelingJobCommandOutput['LabelingJobStatus'], runTag = JOB) =>
  sageMaker.on(DescribeLabelingJobCommand, { LabelingJobName: JOB }).resolves({
    LabelingJobName: JOB,
    LabelingJobStatus: status,
    Tags: [{ Key: 'labeling-pipeline:run-id', Value: runTag }],
  });

describe('stop-abandoned-labeling-job', () => {
  beforeEach(() => {
    sageMaker.reset();
    dynamo.reset();
    s3.reset();
    dynamo.on(GetCommand).resolves({});
    jobFile('ground-truth');
  });

  describe('with the built-in backend (job.json says builtin)', () => {
    const item = (status: string, runId = JOB) =>
      dynamo.on(GetCommand).resolves({ Item: { pk: `JOB#${JOB}`, sk: 'JOB', jobId: JOB, runId, status } });

    beforeEach(() => jobFile('builtin'));

    it('stops an open job and never asks SageMaker', async () => {
      item('open');
      dynamo.on(UpdateCommand).resolves({});

      await expect(stopAbandonedLabelingJob(withStatus('ABORTED'))).resolves.toEqual({
        action: 'stopped',
        jobName: JOB,
      });
      expect(dynamo).toHaveReceivedCommandWith(UpdateCommand, {
        Key: { pk: `JOB#${JOB}`, sk: 'JOB' },
        ExpressionAttributeValues: expect.objectContaining({ ':stopped': 'stopped' }),
      });
      expect(sageMaker).not.toHaveReceivedAnyCommand();
    });

    it('leaves a job of another run and an ended job alone', async () => {
      item('open', 'someone-else');
      await expect(stopAbandonedLabelingJob(withStatus('FAILED'))).resolves.toEqual({
        action: 'not-ours',
        jobName: JOB,
      });
      item('completed');
      await expect(stopAbandonedLabelingJob(withStatus('FAILED'))).resolves.toEqual({
        action: 'not-running',
        jobName: JOB,
      });
      expect(dynamo).not.toHaveReceivedCommand(UpdateCommand);
    });
  });

  it("reads the backend from the run's labeling/job.json", async () => {
    job('InProgress');

    await stopAbandonedLabelingJob(aborted);

    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, JOB_FILE);
    expect(sageMaker).toHaveReceivedCommandWith(StopLabelingJobCommand, { LabelingJobName: JOB });
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('asks no backend when the run wrote no labeling/job.json (it ended before labeling)', async () => {
    s3.on(GetObjectCommand, JOB_FILE).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    job('InProgress');

    await expect(stopAbandonedLabelingJob(withStatus('FAILED'))).resolves.toEqual({ action: 'no-job', jobName: JOB });
    expect(sageMaker).not.toHaveReceivedAnyCommand();
    expect(dynamo).not.toHaveReceivedAnyCommand();
  });

  it('fails the invocation on a job.json that names no known backend, so the event is retried and parked', async () => {
    jobFile('mechanical-turk');

    await expect(stopAbandonedLabelingJob(aborted)).rejects.toThrow(/backend/);
    expect(sageMaker).not.toHaveReceivedAnyCommand();
  });

  it('derives the job from the execution name', () => {
    expect(JOB).toBe('logos-2026-11-0123456789abcdef');
  });

  it.each(['ABORTED', 'TIMED_OUT', 'FAILED'])(
    'stops a job still in progress after the execution %s',
    async (status) => {
      job('InProgress');

      const result = await handler(withStatus(status), fakeContext);

      expect(result).toEqual({ action: 'stopped', jobName: JOB });
      expect(sageMaker).toHaveReceivedCommandWith(StopLabelingJobCommand, { LabelingJobName: JOB });
    },
  );

  it('stops a job that is still initializing', async () => {
    job('Initializing');

    await expect(stopAbandonedLabelingJob(aborted)).resolves.toEqual({ action: 'stopped', jobName: JOB });
  });

  it.each(['Completed', 'Failed', 'Stopped', 'Stopping'] as const)('leaves a %s job alone', async (status) => {
    job(status);

    await expect(stopAbandonedLabelingJob(aborted)).resolves.toEqual({ action: 'not-running', jobName: JOB });
    expect(sageMaker).not.toHaveReceivedCommand(StopLabelingJobCommand);
  });

  it('does nothing when the run never created a job', async () => {
    sageMaker.on(DescribeLabelingJobCommand).rejects(new ResourceNotFound({ message: 'not found', $metadata: {} }));

    await expect(stopAbandonedLabelingJob(aborted)).resolves.toEqual({ action: 'no-job', jobName: JOB });
    expect(sageMaker).not.toHaveReceivedCommand(StopLabelingJobCommand);
  });

  it('treats a job that disappears before the stop as nothing to do', async () => {
    job('InProgress');
    sageMaker.on(StopLabelingJobCommand).rejects(new ResourceNotFound({ message: 'not found', $metadata: {} }));

    await expect(stopAbandonedLabelingJob(aborted)).resolves.toEqual({ action: 'no-job', jobName: JOB });
  });

  it('lets other StopLabelingJob errors fail the invocation, so EventBridge retries it', async () => {
    job('InProgress');
    sageMaker
      .on(StopLabelingJobCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(stopAbandonedLabelingJob(aborted)).rejects.toThrow('Rate exceeded');
  });

  it('never stops a job of the same name that another run started', async () => {
    job('InProgress', 'another-run');

    await expect(stopAbandonedLabelingJob(aborted)).resolves.toEqual({ action: 'not-ours', jobName: JOB });
    expect(sageMaker).not.toHaveReceivedCommand(StopLabelingJobCommand);
  });

  it('ignores an execution that succeeded', async () => {
    await expect(stopAbandonedLabelingJob(withStatus('SUCCEEDED'))).resolves.toEqual({
      action: 'ignored',
      reason: 'not-abandoned',
    });
    expect(sageMaker).not.toHaveReceivedAnyCommand();
  });

  it('treats a malformed event as a logged no-op', async () => {
    await expect(handler({ source: 'aws.states' }, fakeContext)).resolves.toEqual({
      action: 'ignored',
      reason: 'malformed',
    });
    expect(sageMaker).not.toHaveReceivedAnyCommand();
  });
});
