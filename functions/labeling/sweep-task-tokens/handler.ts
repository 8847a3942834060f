import { loadSettings } from '../../kernel/config';
import { EventBridgeEvent } from '../../kernel/contracts/eventbridge-event';
import { eventConsumer, logger } from '../../kernel/observability';
import { labelingBackends } from '../aws/labeling-backends';
import { deliverOutcome } from '../aws/labeling-callbacks';
import { deleteTaskToken, getTaskToken, listTaskTokens, type StoredTaskToken } from '../aws/task-tokens';
import { isDueForSweep, sweepDecision } from '../rules/token-sweep';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['DATA_BUCKET', 'LABELING_TABLE'] as const;
const settings = loadSettings(SETTINGS);
const backends = labelingBackends(settings);

export type TokenSweep =
  | { jobName: string; action: 'resumed' | 'already-closed'; outcome: string }
  | { jobName: string; action: 'left'; reason: string };

export interface SweepResult {
  checked: number;
  tokens: TokenSweep[];
}

/** Asks the job's backend about one stored token and resumes its run if the job has ended. */
const sweepOne = async (bucket: string, { jobName }: StoredTaskToken): Promise<TokenSweep> => {
  const record = await getTaskToken(bucket, jobName);
  // Resumed by its event (or an earlier sweep) since the listing: nothing left to do.
  if (record === undefined) return { jobName, action: 'left', reason: 'already resumed' };
  // Records written before there were two backends have no `backend`: they wait on Ground Truth.
  const backend = backends[record.backend ?? 'ground-truth'];
  const decision = sweepDecision(jobName, await backend.outcome(jobName));
  if (decision.action === 'leave') return { jobName, action: 'left', reason: decision.status };
  // The same token, callback and deletion as labeling-job-events: whichever comes second finds
  // the task closed (or the token gone), so the run is resumed once.
  const delivery = await deliverOutcome(record.taskToken, decision.outcome);
  await deleteTaskToken(bucket, jobName);
  const outcome = decision.outcome.kind === 'completed' ? 'Completed' : decision.outcome.error;
  logger.info('swept labeling job outcome delivered', { jobName, runId: record.runId, outcome, delivery });
  return { jobName, action: delivery === 'delivered' ? 'resumed' : 'already-closed', outcome };
};

/**
 * Runs on a schedule (hourly by default): every task token older than an hour whose job has
 * ended resumes its run, so a lost completion event costs at most an hour or two, not the
 * wait's 32-day timeout. One token that cannot be checked is logged and does not stop the rest.
 */
export const sweepTaskTokens = async (event: unknown): Promise<SweepResult> => {
  const scheduled = EventBridgeEvent.safeParse(event);
  const now = scheduled.success ? new Date(scheduled.data.time) : new Date();
  const bucket = settings.DATA_BUCKET;
  const result: SweepResult = { checked: 0, tokens: [] };
  for await (const stored of listTaskTokens(bucket)) {
    if (!isDueForSweep(stored.lastModified, now)) continue;
    result.checked += 1;
    try {
      result.tokens.push(await sweepOne(bucket, stored));
    } catch (error) {
      logger.error('task token sweep failed for one job', { jobName: stored.jobName, error });
      result.tokens.push({ jobName: stored.jobName, action: 'left', reason: (error as Error).message });
    }
  }
  logger.info('task tokens swept', {
    checked: result.checked,
    resumed: result.tokens.filter((t) => t.action === 'resumed').length,
  });
  return result;
};

export const handler = eventConsumer(sweepTaskTokens);
