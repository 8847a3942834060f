import { loadSettings } from '../../../kernel/config';
import { eventConsumer, logger } from '../../../kernel/observability';
import { finalizationRequests } from '../aws/ready-events';
import { allJobs, labelingTable, queryOpenImages } from '../aws/table';
import type { JobItem } from '../contracts/table-items';
import { dueForFinalization } from '../rules/job-expiry';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'EVENT_BUS_NAME'] as const;
const settings = loadSettings(SETTINGS);
const table = labelingTable(settings);
const requestFinalization = finalizationRequests(settings.EVENT_BUS_NAME);

/** An open job none of whose images still needs an answer: its completion signal was lost. */
const allAnswered = async (job: JobItem): Promise<boolean> =>
  job.status === 'open' && job.imagesWritten && (await queryOpenImages(table, job.jobId, '', 1)).items.length === 0;

/**
 * Hourly: a job past its expiry (taskAvailabilityDays) is finalized with what was answered, a
 * job whose last answer's completion request was lost is finalized as complete, and a
 * finalization that died (older than the Lambda's limit) is requested again. Finalization is
 * idempotent, so a request that races a labeler's last answer is harmless.
 */
export const expireBuiltinJobs = async (): Promise<{ requested: string[] }> => {
  const now = new Date();
  const requested: string[] = [];
  for await (const job of allJobs(table)) {
    const reason = dueForFinalization(job, now) ?? ((await allAnswered(job)) ? 'complete' : undefined);
    if (reason === undefined) continue;
    await requestFinalization({ jobId: job.jobId, reason });
    requested.push(job.jobId);
  }
  logger.info('built-in jobs swept', { requested: requested.length });
  return { requested };
};

export const handler = eventConsumer(expireBuiltinJobs);
