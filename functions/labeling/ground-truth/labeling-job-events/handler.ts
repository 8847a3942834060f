import { loadSettings } from '../../../kernel/config';
import { eventConsumer, logger } from '../../../kernel/observability';
import { describeIssues } from '../../../kernel/parse';
import { deliverOutcome } from '../../aws/labeling-callbacks';
import { deleteTaskToken, getTaskToken } from '../../aws/task-tokens';
import { describeLabelingJob } from '../aws/labeling-jobs';
import { GT_TERMINAL_STATUSES, GtJobStateEvent } from '../contracts/gt-job-state-event';
import { labelingOutcome } from '../rules/ground-truth-outcome';
import { labelingJobNameFromArn } from '../rules/labeling-job-names';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['DATA_BUCKET'] as const;
const settings = loadSettings(SETTINGS);

export type EventHandling =
  | { action: 'ignored'; reason: 'malformed' | 'not-a-labeling-job' | 'not-terminal' | 'not-ours' }
  | { action: 'resumed' | 'already-closed'; jobName: string; outcome: string };

const terminal: ReadonlySet<string> = new Set(GT_TERMINAL_STATUSES);

/**
 * Resumes the execution waiting on a labeling job. Foreign, malformed and duplicate events are
 * logged no-ops (a duplicate finds no token, or Step Functions says the task is closed); the
 * token is removed once used. DescribeLabelingJob is the truth: the event carries only a status.
 */
export const labelingJobEvents = async (event: unknown): Promise<EventHandling> => {
  const parsed = GtJobStateEvent.safeParse(event);
  if (!parsed.success) {
    logger.warn('ignored malformed labeling job event', { issues: describeIssues(parsed.error) });
    return { action: 'ignored', reason: 'malformed' };
  }
  const arn = parsed.data.resources[0] ?? '';
  const jobName = labelingJobNameFromArn(arn);
  if (jobName === undefined) {
    logger.warn('ignored event for a resource that is not a labeling job', { arn });
    return { action: 'ignored', reason: 'not-a-labeling-job' };
  }
  const status = parsed.data.detail.LabelingJobStatus;
  if (!terminal.has(status)) {
    logger.info('ignored non-terminal labeling job status', { jobName, status });
    return { action: 'ignored', reason: 'not-terminal' };
  }
  const bucket = settings.DATA_BUCKET;
  const token = await getTaskToken(bucket, jobName);
  if (token === undefined) {
    logger.info('ignored event for a job with no waiting run', { jobName, status });
    return { action: 'ignored', reason: 'not-ours' };
  }
  logger.appendKeys({ runId: token.runId });
  const job = await describeLabelingJob(jobName);
  const outcome = labelingOutcome(job ?? { jobName, status: 'Missing' });
  // The event said finished but SageMaker does not agree yet: fail, so Lambda's async retry asks again.
  if (outcome.kind === 'running')
    throw new Error(`labeling job ${jobName} reported ${status} but is ${outcome.status}`);
  const delivery = await deliverOutcome(token.taskToken, outcome);
  await deleteTaskToken(bucket, jobName);
  const result = outcome.kind === 'completed' ? 'Completed' : outcome.error;
  logger.info('labeling job outcome delivered', { jobName, outcome: result, delivery });
  return { action: delivery === 'delivered' ? 'resumed' : 'already-closed', jobName, outcome: result };
};

export const handler = eventConsumer(labelingJobEvents);
