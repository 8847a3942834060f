import { publishEvent } from '../shared/aws/events';
import { RUN_SUCCEEDED } from '../shared/contracts/pipeline-events';
import { RunState } from '../shared/contracts/run-state';
import { succeededDetail } from '../shared/domain/run-announcement';
import { logger, pipelineStep } from '../shared/observability';

export const publishResult = async (state: RunState): Promise<{ eventId: string; detailType: string }> => {
  const detail = succeededDetail(state);
  const eventId = await publishEvent(RUN_SUCCEEDED, detail);
  logger.info('run succeeded', { eventId, counts: detail.counts });
  return { eventId, detailType: RUN_SUCCEEDED };
};

export const handler = pipelineStep(RunState, publishResult);
