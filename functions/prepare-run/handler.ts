import { z } from 'zod';
import { requireSetting } from '../shared/config';
import { ExecutionInput } from '../shared/contracts/execution-input';
import type { RunContext } from '../shared/contracts/step-io';
import { planRun } from '../shared/domain/run-plan';
import { logger, parseOrThrow, pipelineStep } from '../shared/observability';

/** What the ASL passes: the raw execution input and `$$.Execution.Name`. */
export const PrepareRunInput = z.object({ input: z.unknown(), executionName: z.string().min(1) });
export type PrepareRunInput = z.infer<typeof PrepareRunInput>;

export const prepareRun = async ({ input, executionName }: PrepareRunInput): Promise<RunContext> => {
  const executionInput = parseOrThrow(ExecutionInput, input, 'execution input');
  const run = planRun(executionInput, executionName, {
    dataBucket: requireSetting('DATA_BUCKET'),
    defaultLabels: requireSetting('DEFAULT_LABELS').split(','),
  });
  logger.info('run prepared', { runId: run.runId, batch: run.batch, labels: run.labels.length });
  return run;
};

export const handler = pipelineStep(PrepareRunInput, prepareRun);
