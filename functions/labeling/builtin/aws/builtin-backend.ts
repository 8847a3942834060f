import { jobBackend } from '../../aws/job-backend';
import type { JobItem } from '../contracts/table-items';
import { builtinOutcome } from '../rules/builtin-outcome';
import { getJob, updateIf } from './table';

/** The stack's own backend: tasks in LabelingTable, labelers through the HTTP API, finalizeBuiltinJob resumes the run. */
export const builtinBackend = jobBackend<JobItem>({
  name: 'builtin',
  noun: 'built-in labeling job',
  find: getJob,
  outcome: builtinOutcome,
  isOfRun: (job, runId) => job.runId === runId,
  isStoppable: (job) => job.status === 'open',
  stop: (job) => stopJob(job),
  // The conditional update found the job no longer open or finalizing: it ended meanwhile.
  stopMissed: 'not-running',
});

/** Open (or stuck finalizing) -> stopped; labelers can no longer claim or answer. */
export const stopJob = (job: Pick<JobItem, 'pk' | 'sk'>): Promise<boolean> =>
  updateIf({
    Key: { pk: job.pk, sk: job.sk },
    UpdateExpression: 'SET #status = :stopped, version = version + :one',
    ConditionExpression: '#status IN (:open, :finalizing)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':stopped': 'stopped', ':open': 'open', ':finalizing': 'finalizing', ':one': 1 },
  });
