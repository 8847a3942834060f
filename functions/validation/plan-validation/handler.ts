import { loadSettings } from '../../kernel/config';
import { RunContext } from '../../kernel/contracts/step-io';
import { logger, pipelineStep } from '../../kernel/observability';
import { runFileKey } from '../../kernel/rules/run-files';
import * as z from '../../kernel/schema';
import { countBatch } from '../aws/batch-objects';
import type { ValidationPlan } from '../contracts/map-results';
import { batchListPrefix } from '../rules/batch-inspection';
import { batchesFor, batchObjectLimit, ITEMS_PER_BATCH } from '../rules/batch-limits';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['AWS_REGION', 'VALIDATION_MAP_CONCURRENCY', 'VALIDATION_TOLERATED_FAILURE_PERCENT'] as const;
const settings = loadSettings(SETTINGS);

export const PlanValidationInput = z.object({
  run: z.pick(RunContext, { runId: true, bucket: true, prefix: true, runPrefix: true, examples: true }),
});
export type PlanValidationInput = z.infer<typeof PlanValidationInput>;

/**
 * Counts the batch (ListObjectsV2, no object read) and refuses one larger than a Rekognition
 * dataset holds before any child starts; returns what ValidateImages' Distributed Map reads: the
 * prefix to list, its concurrency and failure tolerance, and where ResultWriter writes.
 */
export const planValidation = async ({ run }: PlanValidationInput): Promise<ValidationPlan> => {
  const limit = batchObjectLimit(settings.AWS_REGION);
  const { listed, objects } = await countBatch(run.bucket, run.prefix, limit);
  const plan: ValidationPlan = {
    objects,
    listPrefix: batchListPrefix(run.prefix),
    exampleKeys: (run.examples ?? []).map((example) => example.key),
    batches: batchesFor(listed),
    itemsPerBatch: ITEMS_PER_BATCH,
    maxConcurrency: settings.VALIDATION_MAP_CONCURRENCY,
    toleratedFailurePercentage: settings.VALIDATION_TOLERATED_FAILURE_PERCENT,
    resultsPrefix: runFileKey(run.runPrefix, 'validationResults'),
  };
  logger.info('validation planned', { objects, batches: plan.batches, limit });
  return plan;
};

export const handler = pipelineStep(PlanValidationInput, planValidation);
