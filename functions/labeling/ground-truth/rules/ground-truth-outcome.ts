import type { LabelCounters } from '../../../kernel/contracts/step-io';
import { jobOutputPrefix, outputManifestKey } from '../../contracts/labeling-output/layout';
import type { LabelingOutcome } from '../../rules/labeling-outcome';

/** `DescribeLabelingJob`'s status enum (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeLabelingJob.html). */
export type LabelingJobStatus = 'Initializing' | 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

/** What we read from `DescribeLabelingJob`, in our own words. */
export interface LabelingJobView {
  jobName: string;
  status: string;
  failureReason?: string;
  outputDatasetS3Uri?: string;
  s3OutputPath?: string;
  labelCounters?: LabelCounters;
  tags?: { Key?: string; Value?: string }[];
}

/** SendTaskFailure's `cause` holds at most 32,768 characters (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html). */
const MAX_CAUSE = 32_768;
const clip = (text: string): string => (text.length > MAX_CAUSE ? `${text.slice(0, MAX_CAUSE - 1)}…` : text);

/**
 * Where the output manifest is. `LabelingJobOutput` is optional in the response, so when it is
 * missing we fall back to the documented layout `<S3OutputPath><job>/manifests/output/output.manifest`
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html).
 */
const outputManifestUri = (job: LabelingJobView): string | undefined => {
  if (job.outputDatasetS3Uri) return job.outputDatasetS3Uri;
  if (!job.s3OutputPath) return undefined;
  return outputManifestKey(jobOutputPrefix(job.s3OutputPath, job.jobName));
};

const completedOutcome = (job: LabelingJobView): LabelingOutcome => {
  const counters = job.labelCounters ?? {};
  if ((counters.TotalLabeled ?? 0) === 0) {
    return {
      kind: 'failed',
      error: 'NothingLabeled',
      cause: `labeling job ${job.jobName} completed without labeling any object (counters ${JSON.stringify(counters)})`,
    };
  }
  const uri = outputManifestUri(job);
  if (uri === undefined) {
    return {
      kind: 'failed',
      error: 'LabelingJobFailed',
      cause: `labeling job ${job.jobName} completed without an output location`,
    };
  }
  return {
    kind: 'completed',
    result: { jobName: job.jobName, status: 'Completed', outputManifestS3Uri: uri, labelCounters: counters },
  };
};

/**
 * Maps a Ground Truth labeling job's state to the pipeline's outcome, for the event handler and the
 * reconciler alike. `Completed` with `TotalLabeled` 0 is a failure (`NothingLabeled`), as in
 * AWS's own AIOps module (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeLabelingJob.html); `Failed` carries SageMaker's `FailureReason`.
 */
export const labelingOutcome = (job: LabelingJobView): LabelingOutcome => {
  switch (job.status) {
    case 'Completed':
      return completedOutcome(job);
    case 'Failed':
      return {
        kind: 'failed',
        error: 'LabelingJobFailed',
        cause: clip(`labeling job ${job.jobName} failed: ${job.failureReason ?? 'no reason given'}`),
      };
    case 'Stopped':
      return { kind: 'failed', error: 'LabelingJobStopped', cause: `labeling job ${job.jobName} was stopped` };
    default:
      return { kind: 'running', status: job.status };
  }
};

/** True while a job still uses (and bills) the workforce: it can and should be stopped. */
export const isStoppable = (status: string): boolean => status === 'Initializing' || status === 'InProgress';
