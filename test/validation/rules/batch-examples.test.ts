import { exampleVerdict, isExampleKey, partitionExamples } from '../../../functions/validation/rules/batch-examples';
import { tallyVerdicts } from '../../../functions/validation/rules/validation-report';

describe('batch-examples', () => {
  const prefix = 'incoming/logos/';

  it('takes keys batch.json names as examples, and anything under the batch examples/ folder', () => {
    const named = new Set([`${prefix}how-to.png`]);

    expect(isExampleKey(prefix, `${prefix}how-to.png`, named)).toBe(true);
    expect(isExampleKey(prefix, `${prefix}examples/good.png`, named)).toBe(true);
    expect(isExampleKey(prefix, `${prefix}examples/deep/bad.jpg`, new Set())).toBe(true);
    expect(isExampleKey('incoming/logos', `${prefix}examples/good.png`, new Set())).toBe(true);
    expect(isExampleKey(prefix, `${prefix}logo.png`, named)).toBe(false);
    expect(isExampleKey(prefix, `${prefix}more/examples/good.png`, named)).toBe(false);
    expect(isExampleKey(prefix, `${prefix}examples-2/good.png`, named)).toBe(false);
  });

  it('splits the listing, keeping each side in order', () => {
    const listed = [`${prefix}a.png`, `${prefix}examples/x.png`, `${prefix}b.png`, `${prefix}c.png`].map((key) => ({
      key,
      size: 10,
    }));

    const { images, examples } = partitionExamples(prefix, listed, [{ key: `${prefix}c.png` }]);

    expect(images.map((o) => o.key)).toEqual([`${prefix}a.png`, `${prefix}b.png`]);
    expect(examples.map((o) => o.key)).toEqual([`${prefix}examples/x.png`, `${prefix}c.png`]);
  });

  it('reports an example as skipped with EXAMPLE_IMAGE, counted apart from the rejected', () => {
    const verdict = exampleVerdict({ key: `${prefix}examples/x.png`, size: 120, etag: '"e"' });

    expect(verdict).toMatchObject({
      verdict: 'skipped',
      bytes: 120,
      etag: '"e"',
      reasons: [{ code: 'EXAMPLE_IMAGE' }],
    });
    expect(tallyVerdicts([verdict])).toEqual({
      total: 1,
      accepted: 0,
      rejected: 0,
      skipped: 1,
      byReason: { EXAMPLE_IMAGE: 1 },
    });
  });
});
