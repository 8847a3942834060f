import {
  type AppendImage,
  EntryTooLarge,
  entryChunks,
  MAX_CHANGES_BYTES,
  ProjectIndex,
} from '../../../functions/conversion/rules/project-append';
import { datasetLimits } from '../../../functions/conversion/rules/rekognition-rules';
import { ManifestReason } from '../../../functions/kernel/rules/reason-codes';

const image = (name: string, set: 'train' | 'test', labels: string[], contentHash?: string): AppendImage => ({
  sourceRef: `s3://bucket/incoming/${name}.jpg`,
  set,
  labels,
  ...(contentHash === undefined ? {} : { contentHash }),
});

const collect = async (chunks: AsyncIterable<string>): Promise<string[]> => {
  const out: string[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
};

describe('appending a batch to a project', () => {
  it('adds only images the project lacks, counting those it has by source-ref or by content, and totals per label', () => {
    const index = new ProjectIndex();
    index.hold(image('b1/a', 'train', ['acme', 'acme'], 'sha-a'));
    index.hold(image('b1/b', 'test', ['acme', 'globex'], 'sha-b'));

    const decisions = [
      index.admit(image('b1/a', 'train', ['acme'], 'sha-a')),
      index.admit(image('b2/copy-of-b', 'train', ['globex'], 'sha-b')),
      index.admit(image('b2/c', 'test', ['globex'], 'sha-c')),
      index.admit(image('b2/c', 'test', ['globex'], 'sha-c')),
      index.admit(image('b2/d', 'train', ['initech'])),
    ];

    expect(decisions).toEqual(['same-source-ref', 'same-content', 'added', 'same-source-ref', 'added']);
    expect(index.report()).toEqual({
      project: { train: 1, test: 1, labels: { acme: { train: 1, test: 1 }, globex: { train: 0, test: 1 } } },
      added: { train: 1, test: 1, labels: { globex: { train: 0, test: 1 }, initech: { train: 1, test: 0 } } },
      skipped: { sameSourceRef: 2, sameContent: 1 },
    });
  });

  it('changes nothing when the same batch is appended again', () => {
    const index = new ProjectIndex();
    const batch = [image('b1/a', 'train', ['acme'], 'sha-a'), image('b1/b', 'test', ['acme'], 'sha-b')];
    for (const held of batch) index.hold(held);

    expect(batch.map((i) => index.admit(i))).toEqual(['same-source-ref', 'same-source-ref']);
    expect(index.report().added).toEqual({ train: 0, test: 0, labels: {} });
  });

  it('checks the limits on the cumulative dataset, not on the batch alone', () => {
    const index = new ProjectIndex();
    for (let i = 0; i < 27_999; i += 1) index.hold(image(`old/${i}`, 'train', ['acme']));
    index.hold(image('old/t', 'test', ['acme']));
    const limits = datasetLimits('eu-west-2');

    index.admit(image('new/1', 'train', ['acme']));
    expect(index.blockers(limits)).toEqual([]);
    index.admit(image('new/2', 'train', ['acme']));

    expect(index.blockers(limits)).toEqual([
      expect.objectContaining({ code: ManifestReason.ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM }),
    ]);
    expect(index.blockers(limits)[0]?.message).toContain('28,001 images');
  });

  it('cuts the lines into UpdateDatasetEntries payloads under 5 MB, in order, every line whole', async () => {
    const line = (i: number) => `{"source-ref":"s3://bucket/${i}.jpg","pad":"${'x'.repeat(900)}"}`;
    const lines = Array.from({ length: 12_000 }, (_, i) => line(i));

    const chunks = await collect(entryChunks(lines));

    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(Buffer.byteLength(chunk)).toBeLessThan(MAX_CHANGES_BYTES);
    expect(chunks.join('')).toBe(`${lines.join('\n')}\n`);
  });

  it('refuses a line that alone reaches the limit', async () => {
    await expect(collect(entryChunks(['x'.repeat(99)], 100))).rejects.toBeInstanceOf(EntryTooLarge);
    expect(await collect(entryChunks(['x'.repeat(98)], 100))).toEqual([`${'x'.repeat(98)}\n`]);
  });
});
