import { logger, pipelineStep } from '../../kernel/observability';
import { publishEvent } from '../aws/events';
import { RUN_SUCCEEDED } from '../contracts/pipeline-events';
import { RunState } from '../contracts/run-state';
import { succeededDetail } from '../rules/run-announcement';

export const publishResult = async (state: RunState): Promise<{ eventId: string; detailType: string }> => {
  const detail = succeededDetail(state);
  const eventId = await publishEvent(RUN_SUCCEEDED, detail);
  logger.info('run succeeded', { eventId, counts: detail.counts });
  return { eventId, detailType: RUN_SUCCEEDED };
};

export const handler = pipelineStep(RunState, publishResult);
