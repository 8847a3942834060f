import { acceptedKeys, ValidationReport } from '../../../functions/validation/contracts/validation-report';
import { inspectImage } from '../../../functions/validation/rules/image-rules';
import { buildVerdicts, reportChunks, tallyVerdicts } from '../../../functions/validation/rules/validation-report';

const ok = inspectImage(1000, { status: 'ok', format: 'jpeg', width: 640, height: 480, orientation: 1 });
const small = inspectImage(500, { status: 'ok', format: 'png', width: 32, height: 32, orientation: 1 });

describe('validation-report', () => {
  it('adds DUPLICATE to the later copy, naming the original, and sorts by key', () => {
    const verdicts = buildVerdicts([
      { key: 'b/copy.jpg', etag: '"e1"', inspection: ok },
      { key: 'a/original.jpg', etag: '"e1"', inspection: ok },
    ]);

    expect(verdicts).toEqual([
      {
        key: 'a/original.jpg',
        verdict: 'accepted',
        format: 'jpeg',
        width: 640,
        height: 480,
        orientation: 1,
        bytes: 1000,
        etag: '"e1"',
        reasons: [],
      },
      {
        key: 'b/copy.jpg',
        verdict: 'rejected',
        format: 'jpeg',
        width: 640,
        height: 480,
        orientation: 1,
        bytes: 1000,
        etag: '"e1"',
        duplicateOf: 'a/original.jpg',
        reasons: [{ code: 'DUPLICATE', message: 'identical to a/original.jpg (same ETag and size)' }],
      },
    ]);
  });

  it('counts images per reason, an image with two reasons under both', () => {
    const verdicts = buildVerdicts([
      { key: 'a.png', etag: '"s"', inspection: small },
      { key: 'b.png', etag: '"s"', inspection: small },
      { key: 'c.jpg', etag: '"c"', inspection: ok },
    ]);

    expect(tallyVerdicts(verdicts)).toEqual({
      total: 3,
      accepted: 1,
      rejected: 2,
      byReason: { TOO_SMALL: 2, DUPLICATE: 1 },
    });
  });

  it('serialises a report that parses back against its contract, one image per line', () => {
    const images = buildVerdicts([
      { key: 'x "quoted".jpg', etag: '"1"', inspection: ok },
      { key: 'y.png', inspection: small },
    ]);
    const report = {
      version: 1 as const,
      runId: 'r1',
      bucket: 'b',
      prefix: 'incoming/x/',
      validatedAt: '2026-11-25T00:00:00.000Z',
      totals: tallyVerdicts(images),
      images,
    };

    const text = [...reportChunks(report)].join('');

    expect(ValidationReport.parse(JSON.parse(text))).toEqual(report);
    expect(text.split('\n')).toHaveLength(5);
    expect(acceptedKeys(report)).toEqual(['x "quoted".jpg']);
  });

  it('serialises a report with no images', () => {
    const report = {
      version: 1 as const,
      runId: 'r1',
      bucket: 'b',
      prefix: 'p/',
      validatedAt: '2026-11-25T00:00:00.000Z',
      totals: tallyVerdicts([]),
      images: [],
    };

    expect(JSON.parse([...reportChunks(report)].join(''))).toEqual(report);
  });
});
