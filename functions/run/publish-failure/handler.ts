import { loadSettings } from '../../kernel/config';
import { logger, pipelineStep } from '../../kernel/observability';
import { publishEvent } from '../aws/events';
import { RUN_FAILED } from '../contracts/pipeline-events';
import { RunState } from '../contracts/run-state';
import { failedDetail } from '../rules/run-announcement';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['EVENT_BUS_NAME'] as const;
const settings = loadSettings(SETTINGS);

export const publishFailure = async (state: RunState): Promise<{ eventId: string; detailType: string }> => {
  const detail = failedDetail(state);
  const eventId = await publishEvent(settings.EVENT_BUS_NAME, RUN_FAILED, detail);
  logger.error('run failed', { eventId, error: detail.error });
  return { eventId, detailType: RUN_FAILED };
};

export const handler = pipelineStep(RunState, publishFailure);
