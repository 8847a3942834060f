import { Readable } from 'node:stream';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { uploadStream } from '../../kernel/aws/s3-objects';
import { loadSettings } from '../../kernel/config';
import { RunContext, type ValidationSummary } from '../../kernel/contracts/step-io';
import { logger, metrics, pipelineStep } from '../../kernel/observability';
import { runFileKey } from '../../kernel/rules/run-files';
import { toS3Uri } from '../../kernel/rules/s3-uri';
import * as z from '../../kernel/schema';
import { listBatch, readListedRange } from '../aws/batch-objects';
import type { ValidationReport } from '../contracts/validation-report';
import { exampleVerdict, partitionExamples } from '../rules/batch-examples';
import { inspectBatch } from '../rules/batch-inspection';
import { buildVerdicts, reportChunks, tallyVerdicts } from '../rules/validation-report';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['VALIDATION_CONCURRENCY'] as const;
const settings = loadSettings(SETTINGS);

export const ValidateImagesInput = z.object({
  run: z.pick(RunContext, { runId: true, bucket: true, prefix: true, runPrefix: true, examples: true }),
});
export type ValidateImagesInput = z.infer<typeof ValidateImagesInput>;

/**
 * Checks every object of the batch by its first and last bytes (ranged GETs, `VALIDATION_CONCURRENCY`
 * objects at a time) and writes `runs/<runId>/validation.json`. Example images (batch.json `examples`,
 * the `examples/` folder) are listed as skipped, not read. Uploaded objects are only ever read.
 */
export const validateImages = async ({ run }: ValidateImagesInput): Promise<ValidationSummary> => {
  const listed = partitionExamples(run.prefix, await listBatch(run.bucket, run.prefix), run.examples);
  const read = (key: string, start: number, end: number) => readListedRange(run.bucket, key, start, end);
  const { objects, bytesRead, reads } = await inspectBatch(listed.images, read, settings.VALIDATION_CONCURRENCY);
  const images = buildVerdicts(objects, listed.examples.map(exampleVerdict));
  const totals = tallyVerdicts(images);
  const { runId, bucket, prefix } = run;
  const report: ValidationReport = {
    version: 1,
    runId,
    bucket,
    prefix,
    validatedAt: new Date().toISOString(),
    totals,
    images,
  };
  const key = runFileKey(run.runPrefix, 'validationReport');
  await uploadStream(bucket, key, Readable.from(reportChunks(report)), 'application/json');
  logger.info('images validated', { ...totals, bytesRead, reads });
  metrics.addMetric('ImagesRejected', MetricUnit.Count, totals.rejected);
  return { ...totals, reportUri: toS3Uri({ bucket, key }) };
};

export const handler = pipelineStep(ValidateImagesInput, validateImages);
