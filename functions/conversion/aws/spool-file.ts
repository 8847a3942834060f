import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LineSpool } from '../rules/dataset-conversion';
import { writableLineSink } from './line-sink';

export interface FileSpool extends LineSpool {
  /** Deletes the temp file; safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * A spool in a temp file (Lambda's /tmp, 512 MB by default; converted lines of a full
 * 100,000-object job take about 50 MB), so the two conversion passes never hold the lines in
 * memory. Lines are appended during pass 1 and read back, in order, during pass 2.
 */
/**
 * Bytes a file stream buffers before it asks the writer to wait. Node's 16 KiB default made
 * every 64 KiB flush wait for its write to finish, and the conversion sat idle for a tenth of its
 * time; 1 MiB lets writes overlap the work at a bounded cost.
 */
export const FILE_HIGH_WATER_MARK = 1 << 20;

export const createFileSpool = async (directory = tmpdir()): Promise<FileSpool> => {
  const dir = await mkdtemp(join(directory, 'dataset-spool-'));
  const path = join(dir, 'lines.jsonl');
  const open = () => createWriteStream(path, { highWaterMark: FILE_HIGH_WATER_MARK });
  let file = open();
  let sink = writableLineSink(file, { recycle: true });
  let closed = false;
  return {
    append: (text) => sink.write(`${text}\n`),
    appendNumbered: (line, text) => sink.writeNumbered(line, text),
    async clear() {
      if (closed) closed = false;
      else await sink.close();
      // A new write stream truncates the file.
      file = open();
      sink = writableLineSink(file, { recycle: true });
    },
    async *replay() {
      if (!closed) {
        closed = true;
        await sink.close();
      }
      // Spooled lines are compact JSON written by us: a plain newline split is enough.
      let carry = '';
      for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
        const lines = (carry + String(chunk)).split('\n');
        carry = lines.pop() ?? '';
        yield* lines;
      }
      if (carry !== '') yield carry;
    },
    async *replayBytes() {
      if (!closed) {
        closed = true;
        await sink.close();
      }
      // Cut after each chunk's last newline; the rest of the line waits for the next chunk.
      let carry: Buffer = Buffer.alloc(0);
      for await (const read of createReadStream(path, { highWaterMark: 256 * 1024 })) {
        const chunk: Buffer = carry.length === 0 ? read : Buffer.concat([carry, read]);
        const cut = chunk.lastIndexOf(0x0a) + 1;
        if (cut > 0) yield chunk.subarray(0, cut);
        carry = chunk.subarray(cut);
      }
      if (carry.length > 0) yield carry;
    },
    async dispose() {
      if (!closed) {
        closed = true;
        file.destroy();
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
};
