import { loadSettings } from '../../kernel/config';
import { logger, pipelineStep } from '../../kernel/observability';
import { publishEvent } from '../aws/events';
import { RUN_SUCCEEDED } from '../contracts/pipeline-events';
import { RunState } from '../contracts/run-state';
import { succeededDetail } from '../rules/run-announcement';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['EVENT_BUS_NAME'] as const;
const settings = loadSettings(SETTINGS);

export const publishResult = async (state: RunState): Promise<{ eventId: string; detailType: string }> => {
  const detail = succeededDetail(state);
  const eventId = await publishEvent(settings.EVENT_BUS_NAME, RUN_SUCCEEDED, detail);
  logger.info('run succeeded', { eventId, counts: detail.counts });
  return { eventId, detailType: RUN_SUCCEEDED };
};

export const handler = pipelineStep(RunState, publishResult);
