import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { LineSink } from '../rules/dataset-conversion';

/** Bytes gathered before one `write`: fewer, larger writes keep per-line overhead low. */
const BUFFER_CHARS = 64 * 1024;

/**
 * Adapts a Node writable (a file, or the PassThrough feeding an S3 multipart upload) to a
 * `LineSink`. Text is buffered up to 64 KiB; when the stream signals backpressure, `write`
 * returns a promise that resolves on `drain`, so memory stays bounded by the stream's buffer.
 */
export const writableLineSink = (stream: Writable): LineSink => {
  let buffer: string[] = [];
  let size = 0;
  const flush = (): undefined | Promise<void> => {
    if (size === 0) return undefined;
    const ok = stream.write(buffer.join(''));
    buffer = [];
    size = 0;
    return ok ? undefined : once(stream, 'drain').then(() => undefined);
  };
  return {
    write(text) {
      buffer.push(text);
      size += text.length;
      return size >= BUFFER_CHARS ? flush() : undefined;
    },
    writeBytes(bytes) {
      // Text written before goes first; the bytes are a batch already, so they skip the buffer.
      if (size > 0) {
        stream.write(buffer.join(''));
        buffer = [];
        size = 0;
      }
      return stream.write(bytes) ? undefined : once(stream, 'drain').then(() => undefined);
    },
    async close() {
      await flush();
      stream.end();
      await once(stream, 'finish');
    },
    abort(error) {
      stream.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  };
};
