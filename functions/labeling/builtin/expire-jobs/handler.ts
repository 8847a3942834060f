import { eventConsumer, logger } from '../../../kernel/observability';
import { requestFinalization } from '../aws/ready-events';
import { allJobs } from '../aws/table';
import { dueForFinalization } from '../rules/job-expiry';

/**
 * Hourly: a job past its expiry (taskAvailabilityDays) is finalized with what was answered, and
 * a finalization that died (older than the Lambda's limit) is requested again. Finalization is
 * idempotent, so a request that races a labeler's last answer is harmless.
 */
export const expireBuiltinJobs = async (): Promise<{ requested: string[] }> => {
  const now = new Date();
  const requested: string[] = [];
  for await (const job of allJobs()) {
    const reason = dueForFinalization(job, now);
    if (reason === undefined) continue;
    await requestFinalization({ jobId: job.jobId, reason });
    requested.push(job.jobId);
  }
  logger.info('built-in jobs swept', { requested: requested.length });
  return { requested };
};

export const handler = eventConsumer(expireBuiltinJobs);
