import type { SettingName } from '../../kernel/config';
import { eventConsumer, logger } from '../../kernel/observability';
import { describeIssues } from '../../kernel/parse';
import { deriveRunId } from '../../kernel/rules/run-id';
import { ABANDONING_STATUSES, ExecutionStatusEvent } from '../contracts/execution-status-event';
import { describeLabelingJob, stopLabelingJob } from '../ground-truth/aws/labeling-jobs';
import { isTaggedWithRun } from '../ground-truth/rules/labeling-job-request';
import { isStoppable } from '../rules/labeling-outcome';

/** The environment variables this function reads (none: it works from its input alone). */
export const SETTINGS: readonly SettingName[] = [];

export type AbandonHandling =
  | { action: 'ignored'; reason: 'malformed' | 'not-abandoned' }
  | { action: 'stopped' | 'no-job' | 'not-running' | 'not-ours'; jobName: string };

const abandoning: ReadonlySet<string> = new Set(ABANDONING_STATUSES);

/**
 * An execution ended (aborted, timed out, failed) while its labeling job may still run: stop
 * the job so the workforce stops working, and billing stops, for a run nobody waits on. The job
 * name derives from the execution name alone (run-id.ts); the run tag guards a foreign job.
 */
export const stopAbandonedLabelingJob = async (event: unknown): Promise<AbandonHandling> => {
  const parsed = ExecutionStatusEvent.safeParse(event);
  if (!parsed.success) {
    logger.warn('ignored malformed execution status event', { issues: describeIssues(parsed.error) });
    return { action: 'ignored', reason: 'malformed' };
  }
  const { name, status } = parsed.data.detail;
  if (!abandoning.has(status)) return { action: 'ignored', reason: 'not-abandoned' };
  // PrepareRun names the job after the run id (run-plan.ts), so both derive from the execution name.
  const runId = deriveRunId(name);
  const jobName = runId;
  logger.appendKeys({ runId });
  const job = await describeLabelingJob(jobName);
  if (job === undefined) return { action: 'no-job', jobName };
  if (!isTaggedWithRun(job.tags, runId)) {
    logger.warn('left a labeling job of another run alone', { jobName });
    return { action: 'not-ours', jobName };
  }
  if (!isStoppable(job.status)) return { action: 'not-running', jobName };
  // The token stays: the Stopped event that follows finds the task closed and removes it.
  const stopped = await stopLabelingJob(jobName);
  logger.info('stopped abandoned labeling job', { jobName, executionStatus: status, stopped });
  return { action: stopped ? 'stopped' : 'no-job', jobName };
};

export const handler = eventConsumer(stopAbandonedLabelingJob);
