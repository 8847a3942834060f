import type { LabelingResult } from '../../../kernel/contracts/step-io';
import { LabelingJobFailed, LabelingJobTimedOut } from '../../../kernel/errors';
import { logger } from '../../../kernel/observability';
import type { LabelingBackend } from '../../aws/labeling-backend';
import { outcomeError } from '../../rules/labeling-outcome';
import type { JobItem } from '../contracts/table-items';
import { builtinOutcome } from '../rules/builtin-outcome';
import { getJob, updateIf } from './table';

/** The stack's own backend: tasks in LabelingTable, labelers through the HTTP API, finalizeBuiltinJob resumes the run. */
export const builtinBackend: LabelingBackend = {
  name: 'builtin',

  async reconcile({ jobName }): Promise<LabelingResult> {
    const job = await getJob(jobName);
    if (job === undefined) {
      throw new LabelingJobFailed(`built-in labeling job ${jobName} does not exist`, { jobName });
    }
    const outcome = builtinOutcome(job);
    logger.info('built-in labeling job reconciled', { jobName, status: job.status });
    if (outcome.kind === 'completed') return outcome.result;
    if (outcome.kind === 'failed') throw outcomeError(outcome.error, outcome.cause);
    await stopJob(job);
    throw new LabelingJobTimedOut(
      `built-in labeling job ${jobName} was still ${job.status} when the wait timed out, so it was stopped`,
      {
        jobName,
        status: job.status,
      },
    );
  },

  async outcome(jobName) {
    const job = await getJob(jobName);
    return job === undefined ? undefined : builtinOutcome(job);
  },

  async stopAbandoned({ runId, jobName }) {
    const job = await getJob(jobName);
    if (job === undefined) return { action: 'no-job', jobName };
    if (job.runId !== runId) return { action: 'not-ours', jobName };
    if (job.status !== 'open') return { action: 'not-running', jobName };
    const stopped = await stopJob(job);
    logger.info('stopped abandoned built-in job', { jobName, stopped });
    return { action: stopped ? 'stopped' : 'not-running', jobName };
  },
};

/** Open (or stuck finalizing) -> stopped; labelers can no longer claim or answer. */
export const stopJob = (job: Pick<JobItem, 'pk' | 'sk'>): Promise<boolean> =>
  updateIf({
    Key: { pk: job.pk, sk: job.sk },
    UpdateExpression: 'SET #status = :stopped, version = version + :one',
    ConditionExpression: '#status IN (:open, :finalizing)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':stopped': 'stopped', ':open': 'open', ':finalizing': 'finalizing', ':one': 1 },
  });
