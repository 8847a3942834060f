import { listObjects, readRange } from '../../kernel/aws/s3-objects';
import { hasErrorName } from '../../kernel/aws/sdk-errors';
import { BatchTooLarge } from '../../kernel/errors';
import { logger } from '../../kernel/observability';
import { toS3Uri } from '../../kernel/rules/s3-uri';
import { batchListPrefix, isBatchObject } from '../rules/batch-inspection';
import { batchTooLargeMessage } from '../rules/batch-limits';

export interface BatchCount {
  /** Objects the map's ItemReader will list (with `batch.json` and folder markers). */
  listed: number;
  /** The batch's objects to validate. */
  objects: number;
}

/**
 * Counts the objects of a batch page by page, holding none of them, and fails with
 * `BatchTooLarge` as soon as there are more than `limit`, before any is read.
 */
export const countBatch = async (bucket: string, prefix: string, limit: number): Promise<BatchCount> => {
  const count: BatchCount = { listed: 0, objects: 0 };
  for await (const object of listObjects(bucket, batchListPrefix(prefix))) {
    count.listed += 1;
    if (!isBatchObject(prefix, object.key)) continue;
    count.objects += 1;
    if (count.objects > limit) {
      throw new BatchTooLarge(batchTooLargeMessage(toS3Uri({ bucket, key: prefix }), limit), { bucket, prefix, limit });
    }
  }
  return count;
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
