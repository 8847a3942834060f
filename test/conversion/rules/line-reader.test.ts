import fc from 'fast-check';
import {
  bracketDelta,
  type ManifestRecord,
  readManifestRecords,
} from '../../../functions/conversion/rules/line-reader';

async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  yield* parts;
}

const readAll = async (
  chunks: AsyncIterable<string | Uint8Array>,
  maxRecordChars?: number,
): Promise<ManifestRecord[]> => {
  const out: ManifestRecord[] = [];
  for await (const record of readManifestRecords(chunks, { maxRecordChars })) out.push(record);
  return out;
};

const texts = (records: ManifestRecord[]) => records.map((r) => [r.line, r.text.replace(/\s+/g, '')]);

describe('line-reader', () => {
  it('yields one record per compact line with its 1-based line number, skipping blank lines', async () => {
    const records = await readAll(chunksOf('{"a":1}\n\n{"b":2}\n   \n{"c":3}'));

    expect(texts(records)).toEqual([
      [1, '{"a":1}'],
      [3, '{"b":2}'],
      [5, '{"c":3}'],
    ]);
    expect(records[0]?.value).toEqual({ a: 1 });
  });

  it('strips CR from CRLF line endings', async () => {
    const records = await readAll(chunksOf('{"a":1}\r\n{"b":2}\r\n'));

    expect(records.map((r) => r.text)).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('joins a pretty-printed record spread over several lines and numbers it by its first line', async () => {
    const pretty = JSON.stringify({ 'source-ref': 's3://b/k', box: { a: [1, 2, { c: '}' }] } }, null, 2);

    const records = await readAll(chunksOf(`{"x":0}\n${pretty}\n{"y":1}\n`));

    expect(records.map((r) => r.line)).toEqual([1, 2, 2 + pretty.split('\n').length]);
    expect(JSON.parse(records[1]?.text ?? '')).toEqual({ 'source-ref': 's3://b/k', box: { a: [1, 2, { c: '}' }] } });
  });

  it('ignores brackets and escaped quotes inside strings when balancing', () => {
    expect(bracketDelta('{"a": "{[\\"}", ')).toBe(1);
    expect(bracketDelta('"}}}"')).toBe(0);
  });

  it('reassembles lines and multi-byte characters cut across chunk boundaries', async () => {
    const bytes = new TextEncoder().encode('{"label":"Café ☕"}\n{"label":"日本"}\n');
    const oneByteChunks = Array.from(bytes, (b) => Uint8Array.of(b));

    const records = await readAll(chunksOf(...oneByteChunks));

    expect(records.map((r) => r.value)).toEqual([{ label: 'Café ☕' }, { label: '日本' }]);
  });

  it('emits a truncated line on its own and still reads the compact lines after it', async () => {
    const input = '{"source-ref": "s3://b/1", "x": {"y": [\n{"source-ref":"s3://b/2"}\n{"source-ref":"s3://b/3"}\n';

    const records = await readAll(chunksOf(input));

    expect(records.map((r) => r.line)).toEqual([1, 2, 3]);
    expect(records[0]?.value).toBeUndefined();
    expect(records[1]?.value).toEqual({ 'source-ref': 's3://b/2' });
  });

  it('gives up an unbalanced record at the end of input and re-reads the lines that followed it', async () => {
    const records = await readAll(chunksOf('{\n  "a": 1,\n{"b":2}'));

    expect(records.map((r) => [r.line, r.text])).toEqual([
      [1, '{'],
      [2, '  "a": 1,'],
      [3, '{"b":2}'],
    ]);
  });

  it('gives up a pending record that outgrows maxRecordChars', async () => {
    const filler = Array.from({ length: 20 }, (_, i) => `  "k${i}": 1,`).join('\n');

    const records = await readAll(chunksOf(`{\n${filler}\n`), 100);

    expect(records[0]).toEqual({ line: 1, text: '{' });
    expect(records.length).toBeGreaterThan(1);
  });

  it('reports a single line longer than maxRecordChars as oversized and keeps reading', async () => {
    const long = `{"a":"${'x'.repeat(500)}"}`;

    const records = await readAll(chunksOf(long.slice(0, 250), long.slice(250), '\n{"b":2}\n'), 200);

    expect(records[0]?.oversized).toBe(true);
    expect(records[0]?.line).toBe(1);
    expect(records[1]).toMatchObject({ line: 2, value: { b: 2 } });
  });

  it('reads back any mix of compact and pretty-printed objects, however the bytes are chunked', async () => {
    const objects = fc.array(
      fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string(), fc.integer(), fc.constant(null)), {
        maxKeys: 4,
      }),
      { maxLength: 8 },
    );
    await fc.assert(
      fc.asyncProperty(
        objects,
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 50 }),
        async (values, pretty, size) => {
          const text = values.map((v, i) => JSON.stringify(v, null, pretty[i] ? 2 : undefined)).join('\n');
          const chunks: string[] = [];
          for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));

          const records = await readAll(chunksOf(...chunks));

          expect(records.map((r) => JSON.parse(r.text))).toEqual(values);
        },
      ),
    );
  });
});
