import { loadSettings } from '../../kernel/config';
import { eventConsumer, logger } from '../../kernel/observability';
import { describeIssues } from '../../kernel/parse';
import { deriveRunId } from '../../kernel/rules/run-id';
import type { AbandonHandling } from '../aws/labeling-backend';
import { LABELING_BACKENDS } from '../aws/labeling-backends';
import { getJob } from '../builtin/aws/table';
import { ABANDONING_STATUSES, ExecutionStatusEvent } from '../contracts/execution-status-event';

/** The environment variables this function reads: only the built-in backend's table. */
export const SETTINGS = ['LABELING_TABLE'] as const;
loadSettings(SETTINGS);

export type { AbandonHandling } from '../aws/labeling-backend';

const abandoning: ReadonlySet<string> = new Set(ABANDONING_STATUSES);

/**
 * An execution ended (aborted, timed out, failed) while its labeling job may still run: stop
 * the job so labelers stop working (and Ground Truth stops billing) for a run nobody waits on.
 * The job name derives from the execution name alone (run-id.ts); the event does not say which
 * backend labeled, so a built-in job item of that name decides it.
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
  const backend = (await getJob(jobName)) === undefined ? 'ground-truth' : 'builtin';
  const handled = await LABELING_BACKENDS[backend].stopAbandoned({ runId, jobName });
  logger.info('abandoned labeling job handled', { jobName, backend, executionStatus: status, ...handled });
  return handled;
};

export const handler = eventConsumer(stopAbandonedLabelingJob);
