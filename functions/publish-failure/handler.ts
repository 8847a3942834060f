import { publishEvent } from '../shared/aws/events';
import { RUN_FAILED } from '../shared/contracts/pipeline-events';
import { RunState } from '../shared/contracts/run-state';
import { failedDetail } from '../shared/domain/run-announcement';
import { logger, pipelineStep } from '../shared/observability';

export const publishFailure = async (state: RunState): Promise<{ eventId: string; detailType: string }> => {
  const detail = failedDetail(state);
  const eventId = await publishEvent(RUN_FAILED, detail);
  logger.error('run failed', { eventId, error: detail.error });
  return { eventId, detailType: RUN_FAILED };
};

export const handler = pipelineStep(RunState, publishFailure);
