import type { Fingerprint } from './duplicates';
import { readImage } from './image-end';
import { inspectImage } from './image-rules';
import type { InspectedObject } from './validation-report';

/** How the objects of a batch are read: S3 ranged GETs, or local file reads. */
export interface ObjectReader {
  /** Bytes `[start, end)` of one object. */
  range(key: string, start: number, end: number): Promise<Uint8Array>;
  /** The last `bytes` bytes of one object (an S3 suffix range, `bytes=-N`). */
  tail(key: string, bytes: number): Promise<Uint8Array>;
}

export interface BatchInspection {
  objects: InspectedObject[];
  /** Bytes read over all objects: the cost the ranged reads are meant to keep small. */
  bytesRead: number;
  /** Read requests over all objects (S3 GETs). */
  reads: number;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export const mapConcurrent = async <T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
};

/**
 * Inspects every object of a batch by its first and last bytes, `concurrency` objects at a time.
 * Empty objects are not read. Duplicates are decided later from the fingerprints (`buildVerdicts`).
 */
export const inspectBatch = async (
  objects: readonly Fingerprint[],
  reader: ObjectReader,
  concurrency: number,
): Promise<BatchInspection> => {
  let bytesRead = 0;
  let reads = 0;
  const inspected = await mapConcurrent(objects, concurrency, async ({ key, size, etag }) => {
    const image = await readImage(
      size,
      (start, end) => reader.range(key, start, end),
      (bytes) => reader.tail(key, bytes),
    );
    bytesRead += image.bytesRead;
    reads += image.reads;
    return { key, ...(etag === undefined ? {} : { etag }), inspection: inspectImage(size, image.header, image.end) };
  });
  return { objects: inspected, bytesRead, reads };
};

/** One labeling job holds at most 100,000 objects (aws-facts §3); a larger batch must be split. */
export const MAX_BATCH_OBJECTS = 100_000;

/**
 * The prefix to list: the batch folder with exactly one trailing slash, so `a/b` never lists
 * `a/b2/`; the empty prefix (a local folder's root) stays empty.
 */
export const batchListPrefix = (prefix: string): string => {
  const folder = prefix.replace(/\/+$/, '');
  return folder === '' ? '' : `${folder}/`;
};

/**
 * Whether a listed key is one of the batch's images: not `batch.json` at the batch root (the
 * trigger and its options) and not a zero-byte "folder" marker ending in `/`.
 */
export const isBatchObject = (prefix: string, key: string): boolean =>
  !key.endsWith('/') && key !== `${batchListPrefix(prefix)}batch.json`;
