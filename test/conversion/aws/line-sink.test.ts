import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { BufferPool, writableLineSink } from '../../../functions/conversion/aws/line-sink';

describe('writableLineSink buffering', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'line-sink-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('encodes every line whole across buffer boundaries, lines larger than the buffer and non-ASCII included', async () => {
    const path = join(dir, 'out.manifest');
    // A small high-water mark makes the stream ask for waits, so the backpressure path runs too.
    const sink = writableLineSink(createWriteStream(path, { highWaterMark: 1024 }));
    const lines = Array.from({ length: 3000 }, (_, i) => `{"n":${i},"s":"${'é☕𝄞a'.repeat(i % 97)}"}`);
    lines.splice(1500, 0, `{"big":"${'x☕'.repeat(200_000)}"}`);
    for (const line of lines) await sink.write(`${line}\n`);
    await sink.close();

    expect(readFileSync(path, 'utf8')).toBe(`${lines.join('\n')}\n`);
  });
});

describe('writableLineSink numbered lines', () => {
  it('writes `<n>\\t<text>\\n` as the same bytes as the string would be', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'line-sink-test-'));
    const path = join(dir, 'out.manifest');
    const sink = writableLineSink(createWriteStream(path));
    const numbers = [0, 1, 9, 10, 99, 100, 123_456_789, 2 ** 40];
    const expected: string[] = [];
    for (const [i, n] of numbers.entries()) {
      const text = `{"i":${i},"s":"${'é☕'.repeat(i * 5)}"}`;
      await sink.writeNumbered(n, text);
      expected.push(`${n}\t${text}\n`);
    }
    await sink.writeNumbered(7, `"${'x'.repeat(300_000)}"`);
    expected.push(`7\t"${'x'.repeat(300_000)}"\n`);
    await sink.close();

    expect(readFileSync(path, 'utf8')).toBe(expected.join(''));
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('BufferPool', () => {
  it('hands back spare buffers before allocating, and keeps at most `keep` of the right size', () => {
    const pool = new BufferPool(16, 2);
    const [a, b, c] = [pool.take(), pool.take(), pool.take()];
    expect(new Set([a, b, c]).size).toBe(3);
    pool.give(a);
    pool.give(b);
    pool.give(c);
    pool.give(Buffer.alloc(8));
    expect(pool.spares).toBe(2);
    expect(pool.take()).toBe(b);
    expect(pool.take()).toBe(a);
    expect(pool.take().length).toBe(16);
  });
});

describe('writableLineSink recycling', () => {
  const linesOf = (count: number) =>
    Array.from({ length: count }, (_, i) => `{"n":${i},"s":"${'é☕𝄞a'.repeat(i % 331)}"}`);

  it('writes the same bytes to a file when flushed buffers are reused, through backpressure waits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'line-sink-test-'));
    const path = join(dir, 'out.manifest');
    const sink = writableLineSink(createWriteStream(path, { highWaterMark: 1024 }), { recycle: true });
    const lines = linesOf(20_000);
    for (const [i, line] of lines.entries())
      await (i % 2 === 0 ? sink.write(`${line}\n`) : sink.writeNumbered(i, line));
    await sink.close();

    const expected = lines.map((line, i) => (i % 2 === 0 ? `${line}\n` : `${i}\t${line}\n`)).join('');
    expect(readFileSync(path, 'utf8')).toBe(expected);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A stream that reads each chunk a turn after it is handed over, as a slow file would. */
  const slowStream = () => {
    const copies: Buffer[] = [];
    const memory = new Set<ArrayBufferLike>();
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        memory.add(chunk.buffer);
        setImmediate(() => {
          copies.push(Buffer.from(chunk));
          callback();
        });
      },
    });
    return { stream, copies, memory };
  };

  it.each([
    [true, 'a few buffers'],
    [false, 'a fresh buffer per flush'],
  ])(
    'with recycle %s, flushes take %s, and a buffer is never refilled before its write calls back',
    async (recycle) => {
      const { stream, copies, memory } = slowStream();
      const sink = writableLineSink(stream, { recycle });
      const lines = linesOf(20_000);
      for (const line of lines) await sink.write(`${line}\n`);
      await sink.close();

      expect(Buffer.concat(copies).toString('utf8')).toBe(lines.map((line) => `${line}\n`).join(''));
      expect(copies.length).toBeGreaterThan(20);
      if (recycle) expect(memory.size).toBeLessThanOrEqual(6);
      else expect(memory.size).toBe(copies.length);
    },
  );
});
