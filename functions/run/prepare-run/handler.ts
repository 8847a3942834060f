import { loadSettings } from '../../kernel/config';
import type { RunContext } from '../../kernel/contracts/step-io';
import { InvalidInput } from '../../kernel/errors';
import { logger, pipelineStep } from '../../kernel/observability';
import { parseOrThrow } from '../../kernel/parse';
import * as z from '../../kernel/schema';
import { ExecutionInput } from '../contracts/execution-input';
import { planRun } from '../rules/run-plan';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['DATA_BUCKET', 'DEFAULT_LABELS', 'LABELING_BACKEND'] as const;
const settings = loadSettings(SETTINGS);

/** What the ASL passes: the raw execution input and `$$.Execution.Name`. */
export const PrepareRunInput = z.object({ input: z.unknown(), executionName: z.string().check(z.minLength(1)) });
export type PrepareRunInput = z.infer<typeof PrepareRunInput>;

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

export const prepareRun = async ({ input, executionName }: PrepareRunInput): Promise<RunContext> => {
  if (!isObject(input)) {
    throw new InvalidInput(
      `execution input is ${JSON.stringify(input) ?? 'empty'}: it must be a JSON object such as {"bucket": "<DataBucketName>", "prefix": "incoming/<batch>/"}`,
    );
  }
  const executionInput = parseOrThrow(ExecutionInput, input, 'execution input');
  const run = planRun(executionInput, executionName, {
    dataBucket: settings.DATA_BUCKET,
    defaultLabels: settings.DEFAULT_LABELS.split(','),
    labelingBackend: settings.LABELING_BACKEND,
  });
  logger.info('run prepared', {
    runId: run.runId,
    batch: run.batch,
    labels: run.labels.length,
    backend: run.labelingBackend,
  });
  return run;
};

export const handler = pipelineStep(PrepareRunInput, prepareRun);
