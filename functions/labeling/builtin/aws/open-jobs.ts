import type { JobItem } from '../contracts/table-items';
import type { Caller } from '../rules/caller';
import { ApiError } from './http-route';
import { jobFor } from './jobs';
import type { RequestFinalization } from './ready-events';
import type { LabelingTable } from './table';

// Apart from jobs.ts: only the routes that take answers may ask for finalization, so only they carry EventBridge.

/** As `jobFor`, and still taking answers. */
export const openJobFor = async (
  table: LabelingTable,
  jobId: string,
  caller: Caller,
  now: Date,
  requestFinalization: RequestFinalization,
): Promise<JobItem> => {
  const job = await jobFor(table, jobId, caller);
  if (job.status !== 'open') throw new ApiError(410, 'JOB_CLOSED', `job ${jobId} is ${job.status}`, 'jobId');
  if (Date.parse(job.expiresAt) <= now.getTime()) {
    // Labelers notice an expiry first; finalization is idempotent, so asking twice is harmless.
    await requestFinalization({ jobId, reason: 'expired' });
    throw new ApiError(410, 'JOB_CLOSED', `job ${jobId} expired at ${job.expiresAt}`, 'jobId');
  }
  return job;
};
