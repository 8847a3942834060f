import { loadSettings } from '../../kernel/config';
import type { LabelingResult } from '../../kernel/contracts/step-io';
import { LabelingJobFailed, LabelingJobTimedOut } from '../../kernel/errors';
import { logger, pipelineStep } from '../../kernel/observability';
import { deleteTaskToken } from '../aws/task-tokens';
import { ReconcileLabelingJobInput } from '../contracts/labeling-steps';
import { describeLabelingJob, stopLabelingJob } from '../ground-truth/aws/labeling-jobs';
import { labelingOutcome, outcomeError } from '../rules/labeling-outcome';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['DATA_BUCKET'] as const;
const settings = loadSettings(SETTINGS);

/**
 * The wait timed out (job expiry plus margin, or a lost event): ask SageMaker what happened.
 * A finished job gives the same outcome the event would have; a job still running is stopped,
 * so no path leaves it billing a workforce after the run has given up on it.
 */
export const reconcileLabelingJob = async ({ run }: ReconcileLabelingJobInput): Promise<LabelingResult> => {
  const { jobName } = run;
  // The wait is over: a late event must not try to resume it.
  await deleteTaskToken(settings.DATA_BUCKET, jobName);
  const job = await describeLabelingJob(jobName);
  if (job === undefined) {
    throw new LabelingJobFailed(`labeling job ${jobName} does not exist; it was never created or has been deleted`, {
      jobName,
    });
  }
  const outcome = labelingOutcome(job);
  logger.info('labeling job reconciled', { jobName, status: job.status });
  if (outcome.kind === 'completed') return outcome.result;
  if (outcome.kind === 'failed') throw outcomeError(outcome.error, outcome.cause);
  await stopLabelingJob(jobName);
  throw new LabelingJobTimedOut(
    `labeling job ${jobName} was still ${outcome.status} when the wait timed out, so it was stopped`,
    { jobName, status: outcome.status },
  );
};

export const handler = pipelineStep(ReconcileLabelingJobInput, reconcileLabelingJob);
