import { readImage } from '../../../functions/validation/rules/image-end';
import { IMAGE_LIMITS, inspectImage } from '../../../functions/validation/rules/image-rules';
import { jpegFrameOffset, jpegImage, pngImage } from '../../fixtures/images';

/** Runs the real header and tail reads and the rules over in-memory bytes, as the handler does over S3. */
const inspect = async (file: Uint8Array) => {
  const { header, end } = await readImage(file.length, async (start, stop) => file.subarray(start, stop));
  return inspectImage(file.length, header, end);
};

const codes = async (file: Uint8Array) => (await inspect(file)).reasons.map((r) => r.code);

describe('image-rules', () => {
  it('accepts a 640×480 JPEG with no reasons', async () => {
    const jpeg = jpegImage(640, 480);

    expect(await inspect(jpeg)).toEqual({
      format: 'jpeg',
      width: 640,
      height: 480,
      orientation: 1,
      bytes: jpeg.length,
      reasons: [],
    });
  });

  it('accepts a PNG at exactly 64×64 and exactly 4096×4096', async () => {
    expect(await codes(pngImage(64, 64))).toEqual([]);
    expect(await codes(pngImage(4096, 4096))).toEqual([]);
  });

  it('accepts a PNG with exactly a 20:1 aspect ratio', async () => {
    expect(await codes(pngImage(1280, 64))).toEqual([]);
  });

  it('accepts a JPEG whose dimensions come after a 100 KB EXIF block', async () => {
    expect(await inspect(jpegImage(300, 200, { exifBytes: 100_000 }))).toMatchObject({
      width: 300,
      height: 200,
      reasons: [],
    });
  });

  it('rejects a PNG smaller than 64 px with TOO_SMALL', async () => {
    const result = await inspect(pngImage(32, 32));

    expect(result.reasons).toEqual([{ code: 'TOO_SMALL', message: '32×32 px; each side must be at least 64 px' }]);
  });

  it('rejects a 5000×5000 PNG with TOO_LARGE', async () => {
    expect(await codes(pngImage(5000, 5000))).toEqual(['TOO_LARGE']);
  });

  it('rejects a 10000×100 PNG with both TOO_LARGE and ASPECT_RATIO', async () => {
    const result = await inspect(pngImage(10_000, 100));

    expect(result.reasons.map((r) => r.code)).toEqual(['TOO_LARGE', 'ASPECT_RATIO']);
    expect(result.reasons[1]?.message).toBe('aspect ratio 100.0:1 exceeds 20:1');
  });

  it('rejects a 1300×64 image with ASPECT_RATIO only', async () => {
    expect(await codes(pngImage(1300, 64))).toEqual(['ASPECT_RATIO']);
  });

  it('rejects a zero-byte file with EMPTY_FILE only', async () => {
    expect(await inspect(new Uint8Array())).toEqual({
      format: null,
      width: null,
      height: null,
      orientation: null,
      bytes: 0,
      reasons: [{ code: 'EMPTY_FILE', message: 'file is empty (0 bytes)' }],
    });
  });

  it('rejects a 16 MB PNG with FILE_TOO_LARGE but still reports its format and size', async () => {
    const png = pngImage(200, 100, { padBytes: 16_000_000 });

    const result = await inspect(png);

    expect(result).toMatchObject({ format: 'png', width: 200, height: 100 });
    expect(result.reasons).toEqual([{ code: 'FILE_TOO_LARGE', message: '16.0 MB; files must be at most 15 MB' }]);
  });

  it('accepts a file of exactly the 15 MB limit', () => {
    const result = inspectImage(IMAGE_LIMITS.maxBytes, {
      status: 'ok',
      format: 'png',
      width: 100,
      height: 100,
      orientation: 1,
    });

    expect(result.reasons).toEqual([]);
  });

  it('rejects a JPEG truncated before its frame header with TRUNCATED_IMAGE', async () => {
    const jpeg = jpegImage(200, 200);

    const result = await inspect(jpeg.subarray(0, jpegFrameOffset(jpeg) + 3));

    expect(result.format).toBe('jpeg');
    expect(result.reasons.map((r) => r.code)).toEqual(['TRUNCATED_IMAGE']);
    expect(result.reasons[0]?.message).toMatch(/cut short: file ends before the JPEG frame header/);
  });

  it('rejects a text file with UNSUPPORTED_FORMAT', async () => {
    const result = await inspect(Buffer.from('just some notes, saved as photo.jpg\n'));

    expect(result).toMatchObject({ format: null, width: null, height: null });
    expect(result.reasons).toEqual([
      { code: 'UNSUPPORTED_FORMAT', message: 'content is not a JPEG or PNG image; only JPEG and PNG are accepted' },
    ]);
  });

  it('names a GIF in its UNSUPPORTED_FORMAT message', async () => {
    const result = await inspect(Buffer.from('GIF89a\x40\x00\x40\x00', 'latin1'));

    expect(result.reasons[0]?.message).toBe('content is a GIF image; only JPEG and PNG are accepted');
  });

  it('reports no format for a file that ends inside the image signature', async () => {
    const result = await inspect(Buffer.from([0x89, 0x50, 0x4e]));

    expect(result).toMatchObject({ format: null, reasons: [{ code: 'TRUNCATED_IMAGE' }] });
  });

  it('gives every reason that applies to a file at once', () => {
    const result = inspectImage(20_000_000, { status: 'unsupported', detected: 'GIF' });

    expect(result.reasons.map((r) => r.code)).toEqual(['UNSUPPORTED_FORMAT', 'FILE_TOO_LARGE']);
  });
});
