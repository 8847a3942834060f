import type { LabelingOutcome } from '../../rules/labeling-outcome';
import type { JobItem } from '../contracts/table-items';

/**
 * A built-in job's state as the pipeline's labeling outcome, the same shape Ground Truth's jobs
 * give (ground-truth-outcome.ts): completed with its output, stopped, nothing labeled, or running.
 */
export const builtinOutcome = (
  job: Pick<JobItem, 'jobId' | 'status' | 'outputManifestS3Uri' | 'labelCounters'>,
): LabelingOutcome => {
  if (job.status === 'stopped') {
    return { kind: 'failed', error: 'LabelingJobStopped', cause: `built-in labeling job ${job.jobId} was stopped` };
  }
  if (job.status !== 'completed') return { kind: 'running', status: job.status };
  const counters = job.labelCounters ?? {};
  if ((counters.TotalLabeled ?? 0) === 0) {
    return {
      kind: 'failed',
      error: 'NothingLabeled',
      cause: `built-in labeling job ${job.jobId} ended without any image answered (counters ${JSON.stringify(counters)})`,
    };
  }
  if (job.outputManifestS3Uri === undefined) {
    return { kind: 'failed', error: 'LabelingJobFailed', cause: `built-in labeling job ${job.jobId} has no output` };
  }
  return {
    kind: 'completed',
    result: {
      jobName: job.jobId,
      status: 'Completed',
      outputManifestS3Uri: job.outputManifestS3Uri,
      labelCounters: counters,
    },
  };
};
