import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SettingName } from '../../kernel/config';
import { RunContext, type ValidationSummary } from '../../kernel/contracts/step-io';
import { logger, metrics, pipelineStep } from '../../kernel/observability';
import { runFileKey } from '../../kernel/rules/run-files';
import { toS3Uri } from '../../kernel/rules/s3-uri';
import * as z from '../../kernel/schema';
import { failedBatches, readResultManifest, resultLines } from '../aws/map-results';
import { reduceResults } from '../aws/report-writer';
import { MapRunOutput, ValidationPlan } from '../contracts/map-results';

/** The environment variables this function reads: none besides the clients'. */
export const SETTINGS: readonly SettingName[] = [];

export const SummarizeValidationInput = z.object({
  run: z.pick(RunContext, { runId: true, bucket: true, prefix: true, runPrefix: true }),
  validationPlan: z.pick(ValidationPlan, { batches: true }),
  validationMap: MapRunOutput,
});
export type SummarizeValidationInput = z.infer<typeof SummarizeValidationInput>;

async function* linesOf(bucket: string, keys: readonly { Key: string }[]): AsyncGenerator<string> {
  for (const { Key } of keys) yield* resultLines(bucket, Key);
}

async function* failuresOf(bucket: string, keys: readonly { Key: string }[]) {
  for (const { Key } of keys) yield* failedBatches(bucket, Key);
}

/**
 * The map's reduce step: reads ResultWriter's manifest, streams its result files into
 * `runs/<runId>/validation.json` (duplicates found across children) and returns the summary.
 */
export const summarizeValidation = async (input: SummarizeValidationInput): Promise<ValidationSummary> => {
  const { run, validationMap, validationPlan } = input;
  const { Bucket, Key } = validationMap.ResultWriterDetails;
  const manifest = await readResultManifest(Bucket, Key);
  const { runId, bucket, prefix } = run;
  const reportKey = runFileKey(run.runPrefix, 'validationReport');
  const { totals, failedBatches: failed } = await reduceResults({
    head: { version: 1, runId, bucket, prefix, validatedAt: new Date().toISOString() },
    reportKey,
    succeeded: linesOf(manifest.DestinationBucket, manifest.ResultFiles.SUCCEEDED),
    failed: failuresOf(manifest.DestinationBucket, manifest.ResultFiles.FAILED),
  });
  logger.info('images validated', { ...totals, batches: validationPlan.batches, failedBatches: failed });
  metrics.addMetric('ImagesRejected', MetricUnit.Count, totals.rejected);
  return {
    ...totals,
    reportUri: toS3Uri({ bucket, key: reportKey }),
    batches: validationPlan.batches,
    failedBatches: failed,
  };
};

export const handler = pipelineStep(SummarizeValidationInput, summarizeValidation);
