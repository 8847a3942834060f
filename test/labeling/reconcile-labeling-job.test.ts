import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeLabelingJobCommand,
  type DescribeLabelingJobCommandOutput,
  ResourceNotFound,
  SageMakerClient,
  StopLabelingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/labeling/reconcile-labeling-job/handler';
import { fakeContext } from '../fake-context';

const s3 = mockClient(S3Client);
const sageMaker = mockClient(SageMakerClient);

const sample = JSON.parse(readFileSync(join(__dirname, '../../events/start-labeling-job-input.json'), 'utf8'));
const JOB = sample.run.jobName;
// What ReconcileLabelingJob receives: the whole state, with the timeout at $.error.
const state = {
  bucket: sample.run.bucket,
  prefix: sample.run.prefix,
  run: sample.run,
  validation: sample.validation,
  manifest: sample.manifest,
  error: { Error: 'States.Timeout', Cause: 'The task timed out.' },
};
const OUTPUT = `s3://labeling-pipeline-local-data/runs/${JOB}/labeling/output/${JOB}/manifests/output/output.manifest`;
const job = (output: Partial<DescribeLabelingJobCommandOutput>) =>
  sageMaker.on(DescribeLabelingJobCommand, { LabelingJobName: JOB }).resolves({ LabelingJobName: JOB, ...output });

describe('reconcile-labeling-job', () => {
  beforeEach(() => {
    s3.reset();
    sageMaker.reset();
  });

  it('returns the LabelingResult of a job that completed while the event was lost', async () => {
    job({
      LabelingJobStatus: 'Completed',
      LabelingJobOutput: { OutputDatasetS3Uri: OUTPUT },
      LabelCounters: { TotalLabeled: 8 },
    });

    const result = await handler(state, fakeContext);

    expect(result).toEqual({
      jobName: JOB,
      status: 'Completed',
      outputManifestS3Uri: OUTPUT,
      labelCounters: { TotalLabeled: 8 },
    });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Key: `task-tokens/${JOB}.json` });
    expect(sageMaker).not.toHaveReceivedCommand(StopLabelingJobCommand);
  });

  it('throws NothingLabeled for a completed job that labeled nothing', async () => {
    job({
      LabelingJobStatus: 'Completed',
      LabelingJobOutput: { OutputDatasetS3Uri: OUTPUT },
      LabelCounters: { TotalLabeled: 0 },
    });

    await expect(handler(state, fakeContext)).rejects.toMatchObject({ name: 'NothingLabeled' });
  });

  it('throws LabelingJobFailed with the FailureReason of a failed job', async () => {
    job({ LabelingJobStatus: 'Failed', FailureReason: 'AccessDenied on the output path' });

    await expect(handler(state, fakeContext)).rejects.toMatchObject({
      name: 'LabelingJobFailed',
      message: expect.stringContaining('AccessDenied on the output path'),
    });
  });

  it('throws LabelingJobStopped for a stopped job', async () => {
    job({ LabelingJobStatus: 'Stopped' });

    await expect(handler(state, fakeContext)).rejects.toMatchObject({ name: 'LabelingJobStopped' });
    expect(sageMaker).not.toHaveReceivedCommand(StopLabelingJobCommand);
  });

  it('stops a job that is still running and throws LabelingJobTimedOut', async () => {
    job({ LabelingJobStatus: 'InProgress' });

    await expect(handler(state, fakeContext)).rejects.toMatchObject({
      name: 'LabelingJobTimedOut',
      message: expect.stringContaining('still InProgress'),
    });
    expect(sageMaker).toHaveReceivedCommandWith(StopLabelingJobCommand, { LabelingJobName: JOB });
  });

  it('throws LabelingJobFailed when the job does not exist', async () => {
    sageMaker.on(DescribeLabelingJobCommand).rejects(new ResourceNotFound({ message: 'not found', $metadata: {} }));

    await expect(handler(state, fakeContext)).rejects.toMatchObject({
      name: 'LabelingJobFailed',
      message: expect.stringContaining('does not exist'),
    });
  });

  it('rejects a state without the run as InvalidInput', async () => {
    await expect(handler({ error: state.error }, fakeContext)).rejects.toMatchObject({ name: 'InvalidInput' });
  });
});
