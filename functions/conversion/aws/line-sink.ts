import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { LineSink } from '../rules/dataset-conversion';

/** Bytes gathered before one `write`: fewer, larger writes keep per-line overhead low. */
const BUFFER_BYTES = 256 * 1024;

/** UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * Adapts a Node writable (a file, or the PassThrough feeding an S3 multipart upload) to a
 * `LineSink`. Text is encoded straight into a 256 KiB buffer, so no joined string is built and
 * encoded again, and nothing per line outlives the call; when the stream signals backpressure,
 * `write` returns a promise that resolves on `drain`, so memory stays bounded by the stream's buffer.
 */
const TAB = 0x09;
const NEWLINE = 0x0a;
const ZERO = 0x30;
/** Room for a line number (up to 2^53), its tab and the newline. */
const NUMBER_ROOM = 18;

/** A `LineSink` that also writes `<n>\t<text>\n` lines (a spool's) without building them as strings. */
export interface BufferedLineSink extends LineSink {
  writeNumbered(n: number, text: string): undefined | Promise<void>;
}

/**
 * Spare buffers of one size. Each 256 KiB buffer is external memory: a fresh one per flush
 * made V8 run full GCs for the external memory alone, while a few recycled ones keep it flat.
 */
export class BufferPool {
  private readonly spare: Buffer[] = [];

  constructor(
    private readonly bytes: number,
    private readonly keep: number,
  ) {}

  /** A spare buffer, or a new one when none is spare; its contents are arbitrary. */
  take(): Buffer {
    return this.spare.pop() ?? Buffer.allocUnsafe(this.bytes);
  }

  /** Hands back a buffer nothing reads any more; beyond `keep` spares it is left to the GC. */
  give(buffer: Buffer): void {
    if (buffer.length === this.bytes && this.spare.length < this.keep) this.spare.push(buffer);
  }

  get spares(): number {
    return this.spare.length;
  }
}

/** Spares a sink keeps: a 1 MiB stream buffer holds 4 flushes, and one more is being filled. */
const SPARE_BUFFERS = 5;

export interface WritableLineSinkOptions {
  /**
   * Reuse a flushed buffer once the stream's write callback for it has fired. Only for streams
   * done with a chunk by then, as a file stream is; a PassThrough calls back while the chunk
   * still waits on its readable side, so its buffers are never reused.
   */
  recycle?: boolean;
}

export const writableLineSink = (stream: Writable, options: WritableLineSinkOptions = {}): BufferedLineSink => {
  // A buffer handed to the stream is its until written: a flush starts on a spare or fresh one.
  const pool = new BufferPool(BUFFER_BYTES, options.recycle === true ? SPARE_BUFFERS : 0);
  let buffer = pool.take();
  let used = 0;
  const drained = (ok: boolean): undefined | Promise<void> =>
    ok ? undefined : once(stream, 'drain').then(() => undefined);
  const flush = (): boolean => {
    if (used === 0) return true;
    const full = buffer;
    const ok =
      options.recycle === true
        ? stream.write(full.subarray(0, used), (error) => {
            if (error === undefined || error === null) pool.give(full);
          })
        : stream.write(full.subarray(0, used));
    buffer = pool.take();
    used = 0;
    return ok;
  };
  /** Makes room for `units` UTF-16 units; false when the flush asked to wait. */
  const reserve = (units: number): boolean => (MAX_BYTES_PER_UNIT * units > BUFFER_BYTES - used ? flush() : true);
  return {
    writeNumbered(n, text) {
      if (MAX_BYTES_PER_UNIT * text.length + NUMBER_ROOM > BUFFER_BYTES) return this.write(`${n}\t${text}\n`);
      const ok = reserve(text.length + NUMBER_ROOM);
      let digits = 1;
      for (let m = n; m >= 10; m = Math.floor(m / 10)) digits += 1;
      for (let k = digits - 1, m = n; k >= 0; k -= 1, m = Math.floor(m / 10)) buffer[used + k] = ZERO + (m % 10);
      used += digits;
      buffer[used++] = TAB;
      used += buffer.write(text, used);
      buffer[used++] = NEWLINE;
      return drained(ok);
    },
    write(text) {
      if (MAX_BYTES_PER_UNIT * text.length > BUFFER_BYTES - used) {
        const ok = flush();
        if (MAX_BYTES_PER_UNIT * text.length > BUFFER_BYTES) return drained(stream.write(text) && ok);
        if (!ok) {
          used = buffer.write(text, 0);
          return drained(false);
        }
      }
      used += buffer.write(text, used);
      return undefined;
    },
    writeBytes(bytes) {
      // Text written before goes first; the bytes are a batch already, so they skip the buffer.
      const ok = flush();
      return drained(stream.write(bytes) && ok);
    },
    async close() {
      await drained(flush());
      stream.end();
      await once(stream, 'finish');
    },
    abort(error) {
      stream.destroy(error instanceof Error ? error : new Error(String(error)));
    },
  };
};
