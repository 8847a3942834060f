import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writableLineSink } from '../../../functions/conversion/aws/line-sink';
import { createFileSpool } from '../../../functions/conversion/aws/spool-file';

const collect = async <T>(items: AsyncIterable<T> | undefined): Promise<T[]> => {
  if (items === undefined) throw new Error('the spool has no byte replay');
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

describe('file spool', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spool-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replays the same lines as text and as chunks that end at a newline', async () => {
    const spool = await createFileSpool(dir);
    const lines = Array.from({ length: 5000 }, (_, i) => `${i + 1}\t{"n":${i},"s":"${'é☕'.repeat(i % 70)}"}`);
    for (const line of lines) await spool.append(line);

    const texts = await collect(spool.replay());
    const chunks = await collect(spool.replayBytes?.());

    expect(texts).toEqual(lines);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk[chunk.length - 1]).toBe(0x0a);
    expect(Buffer.concat(chunks).toString()).toBe(`${lines.join('\n')}\n`);
    await spool.dispose();
  });
});

describe('writableLineSink', () => {
  it('writes buffered text before bytes, in order', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sink-test-')), 'out.manifest');
    const sink = writableLineSink(createWriteStream(path));

    sink.write('{"a":1}\n');
    await sink.writeBytes?.(Buffer.from('{"b":2}\n'));
    sink.write('{"c":3}\n');
    await sink.close();

    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"b":2}\n{"c":3}\n');
    rmSync(join(path, '..'), { recursive: true, force: true });
  });
});
