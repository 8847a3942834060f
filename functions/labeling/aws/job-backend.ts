import type { LabelingBackendName, LabelingResult } from '../../kernel/contracts/step-io';
import { LabelingJobFailed, LabelingJobTimedOut } from '../../kernel/errors';
import { logger } from '../../kernel/observability';
import { type LabelingOutcome, outcomeError } from '../rules/labeling-outcome';
import type { LabelingBackend } from './labeling-backend';

/**
 * What a backend knows of its own jobs. `jobBackend` turns it into the reconcile, outcome and
 * stop that every backend does the same way, so a new backend writes only these.
 */
export interface JobAccess<Job> {
  readonly name: LabelingBackendName;
  /** How messages and logs name one of its jobs ("labeling job", "built-in labeling job"). */
  readonly noun: string;
  /** The job, or `undefined` when the backend has none of that name. */
  find(jobName: string): Promise<Job | undefined>;
  outcome(job: Job): LabelingOutcome;
  /** True when the job was started by this run (a job of the same name may be another run's). */
  isOfRun(job: Job, runId: string): boolean;
  /** True while the job can and should be stopped. */
  isStoppable(job: Job): boolean;
  /** Stops the job; false when it was gone or ended by the time the stop arrived. */
  stop(job: Job): Promise<boolean>;
  /** What a stop that found nothing to stop reports: the job was deleted, or it had ended. */
  readonly stopMissed: 'no-job' | 'not-running';
}

/** Why a reconcile found no job: never created, or deleted since. */
const missingJob = (noun: string, jobName: string): LabelingJobFailed =>
  new LabelingJobFailed(`${noun} ${jobName} does not exist; it was never created or has been deleted`, { jobName });

/** A backend from its job access: the same outcomes, errors and stops whichever backend labels. */
export const jobBackend = <Job>(access: JobAccess<Job>): LabelingBackend => ({
  name: access.name,

  /**
   * A finished job gives the same outcome its signal would have; a job still running is stopped,
   * so no path leaves labelers working (or a workforce billing) after the run has given up on it.
   */
  async reconcile({ jobName }): Promise<LabelingResult> {
    const job = await access.find(jobName);
    if (job === undefined) throw missingJob(access.noun, jobName);
    const outcome = access.outcome(job);
    logger.info(`${access.noun} reconciled`, { jobName, outcome: outcome.kind });
    if (outcome.kind === 'completed') return outcome.result;
    if (outcome.kind === 'failed') throw outcomeError(outcome.error, outcome.cause);
    await access.stop(job);
    throw new LabelingJobTimedOut(
      `${access.noun} ${jobName} was still ${outcome.status} when the wait timed out, so it was stopped`,
      { jobName, status: outcome.status },
    );
  },

  async outcome(jobName) {
    const job = await access.find(jobName);
    return job === undefined ? undefined : access.outcome(job);
  },

  async stopAbandoned({ runId, jobName }) {
    const job = await access.find(jobName);
    if (job === undefined) return { action: 'no-job', jobName };
    if (!access.isOfRun(job, runId)) {
      logger.warn(`left a ${access.noun} of another run alone`, { jobName });
      return { action: 'not-ours', jobName };
    }
    if (!access.isStoppable(job)) return { action: 'not-running', jobName };
    const stopped = await access.stop(job);
    logger.info(`stopped abandoned ${access.noun}`, { jobName, stopped });
    return { action: stopped ? 'stopped' : access.stopMissed, jobName };
  },
});
