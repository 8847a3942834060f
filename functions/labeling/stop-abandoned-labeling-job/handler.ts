import { readJsonIfExists } from '../../kernel/aws/s3-objects';
import { loadSettings } from '../../kernel/config';
import type { LabelingBackendName } from '../../kernel/contracts/step-io';
import { eventConsumer, logger } from '../../kernel/observability';
import { describeIssues } from '../../kernel/parse';
import { runFileKey, runPrefixOf } from '../../kernel/rules/run-files';
import { deriveRunId } from '../../kernel/rules/run-id';
import type { AbandonHandling } from '../aws/labeling-backend';
import { LABELING_BACKENDS } from '../aws/labeling-backends';
import { ABANDONING_STATUSES, ExecutionStatusEvent } from '../contracts/execution-status-event';
import { LabelingJobFile } from '../contracts/labeling-job-file';

/** The environment variables this function reads: the run's job.json, and the built-in backend's table. */
export const SETTINGS = ['DATA_BUCKET', 'LABELING_TABLE'] as const;
const settings = loadSettings(SETTINGS);

export type { AbandonHandling } from '../aws/labeling-backend';

const abandoning: ReadonlySet<string> = new Set(ABANDONING_STATUSES);

/** The backend the run's `labeling/job.json` names, or `undefined` when the run wrote none. */
const backendOfRun = async (runId: string): Promise<LabelingBackendName | undefined> => {
  const key = runFileKey(runPrefixOf(runId), 'labelingJob');
  return (await readJsonIfExists(settings.DATA_BUCKET, key, LabelingJobFile))?.backend;
};

/**
 * An execution ended (aborted, timed out, failed) while its labeling job may still run: stop
 * the job so labelers stop working (and Ground Truth stops billing) for a run nobody waits on.
 * The job name derives from the execution name alone (run-id.ts); the backend is the one the
 * run's `labeling/job.json` names. A run without one never started a job (it ended before
 * labeling, or while the start was creating it: that job is then left to its own expiry).
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
  const backend = await backendOfRun(runId);
  if (backend === undefined) {
    logger.info('abandoned run started no labeling job', { jobName, executionStatus: status });
    return { action: 'no-job', jobName };
  }
  const handled = await LABELING_BACKENDS[backend].stopAbandoned({ runId, jobName });
  logger.info('abandoned labeling job handled', { jobName, backend, executionStatus: status, ...handled });
  return handled;
};

export const handler = eventConsumer(stopAbandonedLabelingJob);
