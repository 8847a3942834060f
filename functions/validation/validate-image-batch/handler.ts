import { loadSettings } from '../../kernel/config';
import { logger, pipelineStep } from '../../kernel/observability';
import { readListedRange } from '../aws/batch-objects';
import { ImageBatchInput, type InspectedLine } from '../contracts/map-results';
import { exampleLine, partitionExamples } from '../rules/batch-examples';
import { inspectBatch, isBatchObject } from '../rules/batch-inspection';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['VALIDATION_CONCURRENCY'] as const;
const settings = loadSettings(SETTINGS);

/**
 * One child of ValidateImages' Distributed Map: checks its batch of listed objects by their first
 * and last bytes (ranged GETs, `VALIDATION_CONCURRENCY` at a time), skipping `batch.json` and
 * folder markers and listing example images unread. Returns the inspections, which ResultWriter flattens into one line each;
 * duplicates across batches are the reduce step's. Uploaded objects are only ever read.
 */
export const validateImageBatch = async ({ Items, BatchInput }: ImageBatchInput): Promise<InspectedLine[]> => {
  const { bucket, prefix, exampleKeys } = BatchInput;
  const listed = Items.filter((item) => isBatchObject(prefix, item.Key)).map((item) => ({
    key: item.Key,
    size: item.Size,
    ...(item.Etag === undefined ? {} : { etag: item.Etag }),
  }));
  const { images, examples } = partitionExamples(
    prefix,
    listed,
    exampleKeys.map((key) => ({ key })),
  );
  const read = (key: string, start: number, end: number) => readListedRange(bucket, key, start, end);
  const { objects, bytesRead, reads } = await inspectBatch(images, read, settings.VALIDATION_CONCURRENCY);
  logger.info('batch validated', { objects: objects.length, examples: examples.length, bytesRead, reads });
  return [...objects, ...examples.map(exampleLine)];
};

export const handler = pipelineStep(ImageBatchInput, validateImageBatch);
