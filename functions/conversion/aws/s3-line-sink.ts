import { PassThrough } from 'node:stream';
import { uploadStream } from '../../kernel/aws/s3-objects';
import type { LineSink } from '../rules/dataset-conversion';
import { writableLineSink } from './line-sink';

/**
 * A `LineSink` that streams into an S3 object through a multipart upload, so a manifest of any
 * size costs only the upload's part buffers. `close` resolves once the object exists; a failed
 * upload fails the next `write` or `close` instead of stalling on backpressure.
 */
export const s3LineSink = (bucket: string, key: string, contentType: string): LineSink => {
  const body = new PassThrough();
  const done = uploadStream(bucket, key, body, contentType).catch((error: unknown) => {
    body.destroy(error instanceof Error ? error : new Error(String(error)));
    throw error;
  });
  // Observed here so an early failure is never an unhandled rejection; `close` re-awaits it.
  done.catch(() => undefined);
  const lines = writableLineSink(body);
  return {
    write: (text) => lines.write(text),
    writeBytes: (bytes) => lines.writeBytes?.(bytes),
    async close() {
      await lines.close();
      await done;
    },
    abort: (error) => lines.abort(error),
  };
};
