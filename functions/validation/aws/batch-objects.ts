import { type ListedObject, listObjects, readRange } from '../../kernel/aws/s3-objects';
import { hasErrorName } from '../../kernel/aws/sdk-errors';
import { BatchTooLarge } from '../../kernel/errors';
import { logger } from '../../kernel/observability';
import { batchListPrefix, isBatchObject, MAX_BATCH_OBJECTS } from '../rules/batch-inspection';

/**
 * Lists the objects of a batch (not `batch.json`, not folder markers), failing with
 * `BatchTooLarge` as soon as there are more than one labeling job holds, before any is read.
 */
export const listBatch = async (bucket: string, prefix: string): Promise<ListedObject[]> => {
  const objects: ListedObject[] = [];
  for await (const object of listObjects(bucket, batchListPrefix(prefix))) {
    if (!isBatchObject(prefix, object.key)) continue;
    objects.push(object);
    if (objects.length > MAX_BATCH_OBJECTS) {
      const limit = MAX_BATCH_OBJECTS.toLocaleString('en-US');
      throw new BatchTooLarge(
        `s3://${bucket}/${prefix} holds more than ${limit} objects, the most one labeling job accepts; split it into several batches`,
        { bucket, prefix, limit: MAX_BATCH_OBJECTS },
      );
    }
  }
  return objects;
};

/**
 * A ranged read of a listed object. An object deleted or shortened since the listing yields no
 * bytes instead of failing the whole batch, and is then rejected as CORRUPT_IMAGE.
 */
export const readListedRange = async (bucket: string, key: string, start: number, end: number): Promise<Uint8Array> => {
  try {
    return await readRange(bucket, key, start, end);
  } catch (error) {
    if (!hasErrorName(error, 'NoSuchKey', 'InvalidRange')) throw error;
    logger.warn('object changed during validation', { key, error: (error as Error).name });
    return new Uint8Array();
  }
};
