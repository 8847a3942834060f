import {
  type ManifestRecord,
  ManifestSplitter,
  readManifestBatches,
} from '../../../functions/conversion/rules/line-reader';

async function* chunksOf(...parts: (string | Uint8Array)[]): AsyncGenerator<string | Uint8Array> {
  yield* parts;
}

describe('line-reader batches', () => {
  it('yields small batches, so few parsed records are alive at once', async () => {
    const text = Array.from({ length: 100 }, (_, i) => `{"n":${i}}`).join('\n');
    const batches: ManifestRecord[][] = [];
    for await (const batch of readManifestBatches(chunksOf(text.slice(0, 333), text.slice(333)))) batches.push(batch);

    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(16);
    expect(batches.flat().map((r) => [r.line, r.value])).toEqual(
      Array.from({ length: 100 }, (_, i) => [i + 1, { n: i }]),
    );
  });

  it('cuts a fed chunk only as far as asked, a line split across chunks included', () => {
    const splitter = new ManifestSplitter();
    const out: ManifestRecord[] = [];
    splitter.feed('{"a":1}\n{"b"');
    expect(splitter.next(out, 5)).toBe(false);
    splitter.feed(':2}\n{"c":3}\n{"d":4}\n');

    expect(splitter.next(out, 2)).toBe(true);
    expect(out.map((r) => r.text)).toEqual(['{"a":1}', '{"b":2}']);
    expect(splitter.next(out, 5)).toBe(false);
    expect(out.map((r) => r.line)).toEqual([1, 2, 3, 4]);
    expect(splitter.end()).toEqual([]);
  });

  it('still skips the rest of an oversized line that spans chunks', () => {
    const splitter = new ManifestSplitter({ maxRecordChars: 10 });
    const out: ManifestRecord[] = [];
    splitter.feed('{"a":"0123456789');
    splitter.next(out, 16);
    splitter.feed('0123"}\n{"b":2}\n');
    splitter.next(out, 16);

    expect(out.map((r) => [r.line, r.oversized ?? false])).toEqual([
      [1, true],
      [2, false],
    ]);
  });
});
