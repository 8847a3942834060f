import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writableLineSink } from '../../../functions/conversion/aws/line-sink';

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
