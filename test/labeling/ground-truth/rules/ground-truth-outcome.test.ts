import { isStoppable, labelingOutcome } from '../../../../functions/labeling/ground-truth/rules/ground-truth-outcome';

const JOB = 'logos-2026-11-0123456789abcdef';
const OUTPUT = `s3://labeling-pipeline-local-data/runs/${JOB}/labeling/output/${JOB}/manifests/output/output.manifest`;

describe('ground-truth-outcome', () => {
  it('turns a Completed job into the LabelingResult', () => {
    const labelCounters = {
      TotalLabeled: 9,
      HumanLabeled: 9,
      MachineLabeled: 0,
      FailedNonRetryableError: 1,
      Unlabeled: 0,
    };

    expect(labelingOutcome({ jobName: JOB, status: 'Completed', outputDatasetS3Uri: OUTPUT, labelCounters })).toEqual({
      kind: 'completed',
      result: { jobName: JOB, status: 'Completed', outputManifestS3Uri: OUTPUT, labelCounters },
    });
  });

  it('falls back to the documented output layout when LabelingJobOutput is missing', () => {
    const outcome = labelingOutcome({
      jobName: JOB,
      status: 'Completed',
      s3OutputPath: `s3://labeling-pipeline-local-data/runs/${JOB}/labeling/output/`,
      labelCounters: { TotalLabeled: 1 },
    });

    expect(outcome).toMatchObject({ kind: 'completed', result: { outputManifestS3Uri: OUTPUT } });
  });

  it('fails a Completed job without any output location as LabelingJobFailed', () => {
    expect(labelingOutcome({ jobName: JOB, status: 'Completed', labelCounters: { TotalLabeled: 1 } })).toMatchObject({
      kind: 'failed',
      error: 'LabelingJobFailed',
    });
  });

  it('fails a Completed job that labeled nothing as NothingLabeled', () => {
    const outcome = labelingOutcome({
      jobName: JOB,
      status: 'Completed',
      outputDatasetS3Uri: OUTPUT,
      labelCounters: { TotalLabeled: 0, Unlabeled: 10 },
    });

    expect(outcome).toMatchObject({ kind: 'failed', error: 'NothingLabeled' });
    expect(outcome).toHaveProperty('cause', expect.stringContaining('without labeling any object'));
  });

  it('treats missing counters on a Completed job as nothing labeled', () => {
    expect(labelingOutcome({ jobName: JOB, status: 'Completed', outputDatasetS3Uri: OUTPUT })).toMatchObject({
      error: 'NothingLabeled',
    });
  });

  it('fails a Failed job as LabelingJobFailed with the FailureReason', () => {
    expect(
      labelingOutcome({ jobName: JOB, status: 'Failed', failureReason: 'ClientError: manifest not found' }),
    ).toEqual({
      kind: 'failed',
      error: 'LabelingJobFailed',
      cause: `labeling job ${JOB} failed: ClientError: manifest not found`,
    });
  });

  it('keeps a long FailureReason within the 32,768-character cause limit', () => {
    const outcome = labelingOutcome({ jobName: JOB, status: 'Failed', failureReason: 'x'.repeat(40_000) });

    expect(outcome.kind === 'failed' && outcome.cause.length).toBe(32_768);
  });

  it('fails a Stopped job as LabelingJobStopped', () => {
    expect(labelingOutcome({ jobName: JOB, status: 'Stopped' })).toMatchObject({
      kind: 'failed',
      error: 'LabelingJobStopped',
    });
  });

  it.each(['Initializing', 'InProgress', 'Stopping'])('reports %s as still running', (status) => {
    expect(labelingOutcome({ jobName: JOB, status })).toEqual({ kind: 'running', status });
  });

  it('stops only jobs that are initializing or in progress', () => {
    expect(['Initializing', 'InProgress', 'Stopping', 'Stopped', 'Completed', 'Failed'].filter(isStoppable)).toEqual([
      'Initializing',
      'InProgress',
    ]);
  });
});
