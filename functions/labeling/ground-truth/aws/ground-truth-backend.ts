import { LabelingJobFailed, LabelingJobTimedOut } from '../../../kernel/errors';
import { logger } from '../../../kernel/observability';
import type { LabelingBackend } from '../../aws/labeling-backend';
import { outcomeError } from '../../rules/labeling-outcome';
import { isStoppable, labelingOutcome } from '../rules/ground-truth-outcome';
import { isTaggedWithRun } from '../rules/labeling-job-request';
import { describeLabelingJob, stopLabelingJob } from './labeling-jobs';

/** SageMaker Ground Truth: CreateLabelingJob; its state-change event resumes the run (labeling-job-events). */
export const groundTruthBackend: LabelingBackend = {
  name: 'ground-truth',

  /**
   * A finished job gives the same outcome the event would have; a job still running is stopped,
   * so no path leaves it billing a workforce after the run has given up on it.
   */
  async reconcile({ jobName }) {
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
  },

  async outcome(jobName) {
    const job = await describeLabelingJob(jobName);
    return job === undefined ? undefined : labelingOutcome(job);
  },

  /** The run tag guards a foreign job; the token stays: the Stopped event that follows removes it. */
  async stopAbandoned({ runId, jobName }) {
    const job = await describeLabelingJob(jobName);
    if (job === undefined) return { action: 'no-job', jobName };
    if (!isTaggedWithRun(job.tags, runId)) {
      logger.warn('left a labeling job of another run alone', { jobName });
      return { action: 'not-ours', jobName };
    }
    if (!isStoppable(job.status)) return { action: 'not-running', jobName };
    const stopped = await stopLabelingJob(jobName);
    logger.info('stopped abandoned labeling job', { jobName, stopped });
    return { action: stopped ? 'stopped' : 'no-job', jobName };
  },
};
