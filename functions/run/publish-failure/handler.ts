import { logger, pipelineStep } from '../../kernel/observability';
import { publishEvent } from '../aws/events';
import { RUN_FAILED } from '../contracts/pipeline-events';
import { RunState } from '../contracts/run-state';
import { failedDetail } from '../rules/run-announcement';

export const publishFailure = async (state: RunState): Promise<{ eventId: string; detailType: string }> => {
  const detail = failedDetail(state);
  const eventId = await publishEvent(RUN_FAILED, detail);
  logger.error('run failed', { eventId, error: detail.error });
  return { eventId, detailType: RUN_FAILED };
};

export const handler = pipelineStep(RunState, publishFailure);
