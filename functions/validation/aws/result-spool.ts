import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a spooled line sits: byte offset and length (without its newline). */
export interface SpoolPosition {
  offset: number;
  length: number;
}

export interface ResultSpool {
  /** Appends one line and returns where it went; waits when the file stream asks it to. */
  append(line: string): Promise<SpoolPosition>;
  /** Reads the lines back at the given positions, in the order given. */
  readAt(positions: Iterable<SpoolPosition>): AsyncGenerator<string>;
  dispose(): Promise<void>;
}

/**
 * A temp file (Lambda's /tmp) holding every inspected object's line once: the reduce step reads
 * the map's result files in the order children finished, and writes validation.json in listing
 * order, so it reads lines back by position instead of keeping them in memory (250,000 lines of
 * ~250 bytes are ~60 MB on disk).
 */
export const createResultSpool = async (directory = tmpdir()): Promise<ResultSpool> => {
  const dir = await mkdtemp(join(directory, 'validation-spool-'));
  const path = join(dir, 'inspected.jsonl');
  const file = createWriteStream(path, { highWaterMark: 1 << 20 });
  let offset = 0;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    file.end();
    await once(file, 'close');
  };
  return {
    async append(line) {
      const bytes = Buffer.from(`${line}\n`, 'utf8');
      const position = { offset, length: bytes.length - 1 };
      offset += bytes.length;
      if (!file.write(bytes)) await once(file, 'drain');
      return position;
    },
    async *readAt(positions) {
      await close();
      const handle = await open(path, 'r');
      try {
        for (const { offset: at, length } of positions) {
          const buffer = Buffer.alloc(length);
          await handle.read(buffer, 0, length, at);
          yield buffer.toString('utf8');
        }
      } finally {
        await handle.close();
      }
    },
    async dispose() {
      await close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};
