import type { ReadyReason } from '../contracts/ready-event';
import type { JobItem } from '../contracts/table-items';

/** A finalization running longer than the Lambda's 15-minute limit has died. */
export const STALE_FINALIZING_MS = 16 * 60 * 1000;

/** Why a job should be (re)sent to finalization now, or `undefined` when it should not. */
export const dueForFinalization = (
  job: Pick<JobItem, 'status' | 'expiresAt' | 'imagesWritten' | 'finalizingSince' | 'finalReason'>,
  now: Date,
): ReadyReason | undefined => {
  if (job.status === 'open' && job.imagesWritten && Date.parse(job.expiresAt) <= now.getTime()) return 'expired';
  if (
    job.status === 'finalizing' &&
    job.finalizingSince !== undefined &&
    now.getTime() - Date.parse(job.finalizingSince) > STALE_FINALIZING_MS
  ) {
    return job.finalReason ?? 'expired';
  }
  return undefined;
};
