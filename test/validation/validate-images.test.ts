import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { ValidationReport } from '../../functions/validation/contracts/validation-report';
import { handler } from '../../functions/validation/plan-validation/handler';
import { fakeContext } from '../fake-context';
import { hostileImages } from '../fixtures/hostile-images';
import { jpegFrameOffset, jpegImage, motionPhoto, pngImage, samsungTrailer } from '../fixtures/images';
import { distributedValidation } from './distributed-validation';

const s3 = mockClient(S3Client);
const validateImages = distributedValidation(s3);
const BUCKET = 'labeling-pipeline-local-data';
const PREFIX = 'incoming/logos-2026-11/';
const run = {
  runId: 'logos-2026-11-0123456789abcdef',
  bucket: BUCKET,
  prefix: PREFIX,
  runPrefix: 'runs/logos-2026-11-0123456789abcdef/',
};

/** Serves `files` through ListObjectsV2 (pages of `pageSize`) and ranged GetObject, as S3 would. */
const serve = (files: Record<string, Buffer>, pageSize = 1000, etags: Record<string, string> = {}) => {
  const keys = Object.keys(files).sort();
  s3.on(ListObjectsV2Command).callsFake((input: { ContinuationToken?: string }) => {
    const start = Number(input.ContinuationToken ?? 0);
    const page = keys.slice(start, start + pageSize);
    const more = start + pageSize < keys.length;
    return {
      Contents: page.map((Key) => ({ Key, Size: files[Key]?.length, ETag: etags[Key] ?? `"${Key}"` })),
      IsTruncated: more,
      NextContinuationToken: more ? String(start + pageSize) : undefined,
    };
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string; Range?: string }) => {
    const [, from, to] = /^bytes=(\d+)-(\d+)$/.exec(input.Range ?? '') ?? [];
    const body = files[input.Key] ?? Buffer.alloc(0);
    return { Body: sdkStreamMixin(Readable.from([body.subarray(Number(from), Number(to) + 1)])) };
  });
  s3.on(PutObjectCommand).resolves({});
};

const writtenReport = () => {
  const put = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key?.endsWith('validation.json'));
  return { key: put?.args[0].input.Key, report: ValidationReport.parse(JSON.parse(String(put?.args[0].input.Body))) };
};

describe('validate-images handler', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('validates every object over several listing pages and writes validation.json', async () => {
    const good = jpegImage(320, 240);
    const files: Record<string, Buffer> = {
      [`${PREFIX}batch.json`]: Buffer.from('{}'),
      [`${PREFIX}folder/`]: Buffer.alloc(0),
      [`${PREFIX}a good.jpg`]: good,
      [`${PREFIX}b-copy.jpg`]: good,
      [`${PREFIX}c-png-named.jpg`]: pngImage(200, 100),
      [`${PREFIX}d-notes.jpg`]: Buffer.from('not an image'),
      [`${PREFIX}e-tiny.png`]: pngImage(32, 32),
      [`${PREFIX}f-empty.jpg`]: Buffer.alloc(0),
    };
    serve(files, 2, { [`${PREFIX}a good.jpg`]: '"same"', [`${PREFIX}b-copy.jpg`]: '"same"' });

    const summary = await validateImages({ run });

    expect(summary).toEqual({
      total: 6,
      accepted: 2,
      rejected: 4,
      byReason: { DUPLICATE: 1, UNSUPPORTED_FORMAT: 1, TOO_SMALL: 1, EMPTY_FILE: 1 },
      reportUri: `s3://${BUCKET}/runs/logos-2026-11-0123456789abcdef/validation.json`,
    });
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(4);
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: BUCKET, Prefix: PREFIX });
    const { key, report } = writtenReport();
    expect(key).toBe('runs/logos-2026-11-0123456789abcdef/validation.json');
    expect(report.totals).toEqual({ total: 6, accepted: 2, rejected: 4, byReason: summary.byReason });
    expect(report.images.map((i) => [i.key.slice(PREFIX.length), i.verdict, i.format])).toEqual([
      ['a good.jpg', 'accepted', 'jpeg'],
      ['b-copy.jpg', 'rejected', 'jpeg'],
      ['c-png-named.jpg', 'accepted', 'png'],
      ['d-notes.jpg', 'rejected', null],
      ['e-tiny.png', 'rejected', 'png'],
      ['f-empty.jpg', 'rejected', null],
    ]);
    expect(report.images[1]).toMatchObject({ duplicateOf: `${PREFIX}a good.jpg`, reasons: [{ code: 'DUPLICATE' }] });
    expect(report.images[2]).toMatchObject({
      width: 200,
      height: 100,
      bytes: files[`${PREFIX}c-png-named.jpg`]?.length,
    });
  });

  it('reads only a ranged head and a ranged tail of each image, and never the empty one', async () => {
    const big = pngImage(1024, 768, { padBytes: 2_000_000 });
    serve({ [`${PREFIX}big.png`]: big, [`${PREFIX}empty.png`]: Buffer.alloc(0) });

    const summary = await validateImages({ run });

    const gets = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(gets).toEqual([
      { Bucket: BUCKET, Key: `${PREFIX}big.png`, Range: 'bytes=0-65535' },
      { Bucket: BUCKET, Key: `${PREFIX}big.png`, Range: `bytes=${big.length - 4096}-${big.length - 1}` },
    ]);
    expect(summary.byReason).toEqual({ EMPTY_FILE: 1 });
  });

  const hostile = Object.entries(hostileImages()).map(([name, { body, code }]) => [name, code, body] as const);

  it.each(hostile)('rejects %s as %s', async (name, code, body) => {
    serve({ [`${PREFIX}${name}`]: body, [`${PREFIX}good.jpg`]: jpegImage(320, 240) });

    const summary = await validateImages({ run });

    expect(summary).toMatchObject({ total: 2, accepted: 1, byReason: { [code]: 1 } });
    expect(writtenReport().report.images.find((i) => i.key.endsWith(name))).toMatchObject({
      verdict: 'rejected',
      reasons: [{ code }],
    });
  });

  it('rejects a large JPEG that lost its end, found by the read of its last bytes', async () => {
    const jpeg = jpegImage(1000, 800, { noise: true });
    const cut = jpeg.subarray(0, jpeg.length - 1000);
    serve({ [`${PREFIX}cut.jpg`]: cut });

    const summary = await validateImages({ run });

    expect(cut.length).toBeGreaterThan(64 * 1024);
    expect(summary.byReason).toEqual({ TRUNCATED_IMAGE: 1 });
    const ranges = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Range);
    expect(ranges).toContain(`bytes=${cut.length - 4096}-${cut.length - 1}`);
  });

  it('reports an EXIF-rotated JPEG at its displayed size, with its orientation', async () => {
    serve({ [`${PREFIX}portrait.jpg`]: jpegImage(800, 600, { orientation: 6 }) });

    await validateImages({ run });

    expect(writtenReport().report.images[0]).toMatchObject({
      verdict: 'accepted',
      width: 600,
      height: 800,
      orientation: 6,
    });
  });

  it('reads on to the frame header of a JPEG with a 100 KB EXIF block in one more ranged GET', async () => {
    const jpeg = jpegImage(300, 200, { exifBytes: 100_000 });
    serve({ [`${PREFIX}exif.jpg`]: jpeg });

    await validateImages({ run });

    const ranges = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Range);
    expect(ranges).toHaveLength(3);
    expect(ranges[0]).toBe('bytes=0-65535');
    expect(ranges[1]).toBe(`bytes=${jpeg.length - 4096}-${jpeg.length - 1}`);
    expect(ranges[2]).toMatch(/^bytes=65536-\d+$/);
    expect(writtenReport().report.images[0]).toMatchObject({ verdict: 'accepted', width: 300, height: 200 });
  });

  it('rejects a JPEG truncated before its frame header as TRUNCATED_IMAGE', async () => {
    const jpeg = jpegImage(300, 200);
    serve({ [`${PREFIX}cut.jpg`]: jpeg.subarray(0, jpegFrameOffset(jpeg)) });

    const summary = await validateImages({ run });

    expect(summary.byReason).toEqual({ TRUNCATED_IMAGE: 1 });
  });

  it('rejects an object deleted after the listing as CORRUPT_IMAGE instead of failing the batch', async () => {
    serve({ [`${PREFIX}a.jpg`]: jpegImage(100, 100), [`${PREFIX}gone.jpg`]: jpegImage(100, 100) });
    s3.on(GetObjectCommand, { Key: `${PREFIX}gone.jpg` }).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));

    const summary = await validateImages({ run });

    expect(summary).toMatchObject({ total: 2, accepted: 1, byReason: { CORRUPT_IMAGE: 1 } });
    expect(writtenReport().report.images[1]?.reasons[0]?.message).toMatch(/removed during validation/);
  });

  it('fails when S3 refuses a read for any other reason, so the run does not pass on a partial check', async () => {
    serve({ [`${PREFIX}a.jpg`]: jpegImage(100, 100) });
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

    await expect(validateImages({ run })).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('never moves, copies, deletes or overwrites an uploaded object', async () => {
    serve({ [`${PREFIX}a.jpg`]: jpegImage(100, 100), [`${PREFIX}b.txt`]: Buffer.from('x') });

    await validateImages({ run });

    expect(s3).not.toHaveReceivedCommand(DeleteObjectCommand);
    expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);
    expect(s3).not.toHaveReceivedCommand(CopyObjectCommand);
    const written = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(written).toEqual(['runs/logos-2026-11-0123456789abcdef/validation.json']);
  });

  it('fails with BatchTooLarge before reading any image when the batch holds more than 250,000 objects', async () => {
    const keys = Array.from({ length: 250_001 }, (_, i) => `${PREFIX}img-${String(i).padStart(6, '0')}.jpg`);
    s3.on(ListObjectsV2Command).callsFake((input: { ContinuationToken?: string }) => {
      const start = Number(input.ContinuationToken ?? 0);
      return {
        Contents: keys.slice(start, start + 1000).map((Key) => ({ Key, Size: 2000, ETag: `"${Key}"` })),
        IsTruncated: start + 1000 < keys.length,
        NextContinuationToken: String(start + 1000),
      };
    });

    await expect(validateImages({ run })).rejects.toMatchObject({
      name: 'BatchTooLarge',
      message: expect.stringContaining('more than 250,000 objects'),
    });
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('writes an empty report for an empty batch', async () => {
    serve({ [`${PREFIX}batch.json`]: Buffer.from('{}') });

    const summary = await validateImages({ run });

    expect(summary).toMatchObject({ total: 0, accepted: 0, rejected: 0, byReason: {} });
    expect(writtenReport().report.images).toEqual([]);
  });

  it("lists the batch's example images as skipped with EXAMPLE_IMAGE, without reading them", async () => {
    serve({
      [`${PREFIX}batch.json`]: Buffer.from('{}'),
      [`${PREFIX}logo.jpg`]: jpegImage(320, 240),
      [`${PREFIX}examples/good.png`]: pngImage(200, 200),
      [`${PREFIX}examples/nested/bad.jpg`]: jpegImage(200, 200, { seed: 2 }),
      [`${PREFIX}how-to.png`]: pngImage(300, 300),
    });
    const examples = [{ key: `${PREFIX}how-to.png`, kind: 'good' as const, caption: 'a whole logo' }];

    const summary = await validateImages({ run: { ...run, examples } });

    expect(summary).toMatchObject({ total: 4, accepted: 1, rejected: 0, skipped: 3, byReason: { EXAMPLE_IMAGE: 3 } });
    const { report } = writtenReport();
    expect(report.totals).toMatchObject({ accepted: 1, rejected: 0, skipped: 3 });
    expect(report.images.map((i) => [i.key.slice(PREFIX.length), i.verdict, i.reasons.map((r) => r.code)])).toEqual([
      ['examples/good.png', 'skipped', ['EXAMPLE_IMAGE']],
      ['examples/nested/bad.jpg', 'skipped', ['EXAMPLE_IMAGE']],
      ['how-to.png', 'skipped', ['EXAMPLE_IMAGE']],
      ['logo.jpg', 'accepted', []],
    ]);
    const read = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key);
    expect(read).toEqual([`${PREFIX}logo.jpg`]);
  });

  it('accepts phone photos with appended data and names the trailer in validation.json', async () => {
    const video = motionPhoto(jpegImage(320, 240), { videoBytes: 200_000 });
    const samsung = samsungTrailer(jpegImage(320, 240, { seed: 3 }), [
      { name: 'Image_UTC_Data', data: Buffer.from('1') },
    ]);
    serve({
      [`${PREFIX}motion.jpg`]: video,
      [`${PREFIX}samsung.jpg`]: samsung,
      [`${PREFIX}cut.jpg`]: video.subarray(0, 100_000),
    });

    const summary = await validateImages({ run });

    expect(summary).toMatchObject({ accepted: 2, rejected: 1, byReason: { TRUNCATED_IMAGE: 1 } });
    const { report } = writtenReport();
    expect(report.images.map((i) => [i.key.slice(PREFIX.length), i.verdict, i.trailer])).toEqual([
      ['cut.jpg', 'rejected', undefined],
      ['motion.jpg', 'accepted', 'motion-photo'],
      ['samsung.jpg', 'accepted', 'samsung-trailer'],
    ]);
  });

  it('fails the wrapped handler with InvalidInput when the run context is missing', async () => {
    await expect(handler({ bucket: BUCKET }, fakeContext)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('run'),
    });
  });
});
