import { Readable } from 'node:stream';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { type ListedObject, listObjects, readRange, uploadStream } from '../shared/aws/s3-objects';
import { config } from '../shared/config';
import { RunContext, type ValidationSummary } from '../shared/contracts/step-io';
import type { ValidationReport } from '../shared/contracts/validation-report';
import { batchListPrefix, inspectBatch, isBatchObject, MAX_BATCH_OBJECTS } from '../shared/domain/batch-inspection';
import { joinKey, toS3Uri } from '../shared/domain/s3-uri';
import { buildVerdicts, reportChunks, tallyVerdicts } from '../shared/domain/validation-report';
import { BatchTooLarge } from '../shared/errors';
import { logger, metrics, pipelineStep } from '../shared/observability';

export const ValidateImagesInput = z.object({
  run: RunContext.pick({ runId: true, bucket: true, prefix: true, runPrefix: true }),
});
export type ValidateImagesInput = z.infer<typeof ValidateImagesInput>;

/** Lists the batch, failing as soon as it outgrows one labeling job, before any image is read. */
const listBatch = async (bucket: string, prefix: string): Promise<ListedObject[]> => {
  const objects: ListedObject[] = [];
  for await (const object of listObjects(bucket, batchListPrefix(prefix))) {
    if (!isBatchObject(prefix, object.key)) continue;
    objects.push(object);
    if (objects.length > MAX_BATCH_OBJECTS) {
      throw new BatchTooLarge(
        `s3://${bucket}/${prefix} holds more than ${MAX_BATCH_OBJECTS} objects, the most one labeling job accepts; split it into several batches`,
        { bucket, prefix, limit: MAX_BATCH_OBJECTS },
      );
    }
  }
  return objects;
};

/**
 * A ranged read of an object as listed. An object deleted or shortened since the listing yields
 * no bytes (instead of failing the whole batch), and is then rejected as CORRUPT_IMAGE.
 */
const readListedRange = async (bucket: string, key: string, start: number, end: number): Promise<Uint8Array> => {
  try {
    return await readRange(bucket, key, start, end);
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'NoSuchKey' || name === 'InvalidRange') {
      logger.warn('object changed during validation', { key, error: name });
      return new Uint8Array();
    }
    throw error;
  }
};

/** Checks every object of the batch by its first bytes and writes `runs/<runId>/validation.json`. */
export const validateImages = async ({ run }: ValidateImagesInput): Promise<ValidationSummary> => {
  const listed = await listBatch(run.bucket, run.prefix);
  const read = (key: string, start: number, end: number) => readListedRange(run.bucket, key, start, end);
  const { objects, bytesRead } = await inspectBatch(listed, read, config.VALIDATION_CONCURRENCY);
  const images = buildVerdicts(objects);
  const totals = tallyVerdicts(images);
  const report: ValidationReport = {
    version: 1,
    runId: run.runId,
    bucket: run.bucket,
    prefix: run.prefix,
    validatedAt: new Date().toISOString(),
    totals,
    images,
  };
  const key = joinKey(run.runPrefix, 'validation.json');
  await uploadStream(run.bucket, key, Readable.from(reportChunks(report)), 'application/json');
  logger.info('images validated', { ...totals, bytesRead });
  metrics.addMetric('ImagesRejected', MetricUnit.Count, totals.rejected);
  return { ...totals, reportUri: toS3Uri({ bucket: run.bucket, key }) };
};

export const handler = pipelineStep(ValidateImagesInput, validateImages);
