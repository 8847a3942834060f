import type { Fingerprint } from './duplicates';
import { readImage } from './image-end';
import { inspectImage } from './image-rules';
import type { InspectedObject } from './validation-report';

/** Reads bytes `[start, end)` of one object of the batch (an S3 ranged GET, or a local file read). */
export type ReadObjectBytes = (key: string, start: number, end: number) => Promise<Uint8Array>;

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
  read: ReadObjectBytes,
  concurrency: number,
): Promise<BatchInspection> => {
  let bytesRead = 0;
  let reads = 0;
  const inspected = await mapConcurrent(objects, concurrency, async ({ key, size, etag }) => {
    const image = await readImage(size, (start, end) => read(key, start, end));
    bytesRead += image.bytesRead;
    reads += image.reads;
    return { key, ...(etag === undefined ? {} : { etag }), inspection: inspectImage(size, image.header, image.end) };
  });
  return { objects: inspected, bytesRead, reads };
};

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
