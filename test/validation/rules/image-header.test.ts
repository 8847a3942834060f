import fc from 'fast-check';
import { exifOrientation, parseImageHeader, readImageHeader } from '../../../functions/validation/rules/image-header';
import { jpegFrameOffset, jpegImage, pngImage } from '../../fixtures/images';

/** A reader over an in-memory file that records every range it was asked for. */
const fileReader = (file: Uint8Array) => {
  const ranges: Array<[number, number]> = [];
  const read = async (start: number, end: number) => {
    ranges.push([start, end]);
    return file.subarray(start, end);
  };
  return { read, ranges };
};

describe('image-header', () => {
  it('reads the size of a PNG from its IHDR chunk', () => {
    expect(parseImageHeader(pngImage(640, 480), true)).toEqual({
      status: 'ok',
      format: 'png',
      width: 640,
      height: 480,
      orientation: 1,
    });
  });

  it('reads the size of a JPEG from its frame header', () => {
    expect(parseImageHeader(jpegImage(120, 90), true)).toEqual({
      status: 'ok',
      format: 'jpeg',
      width: 120,
      height: 90,
      orientation: 1,
    });
  });

  it('asks for the bytes up to the frame header when a large EXIF block comes first', () => {
    const jpeg = jpegImage(100, 80, { exifBytes: 100_000 });

    const parsed = parseImageHeader(jpeg.subarray(0, 64 * 1024), false);

    expect(parsed.status).toBe('need');
    expect(parsed.status === 'need' && parsed.bytes).toBeGreaterThan(64 * 1024);
    expect(parsed.status === 'need' && parsed.bytes).toBeLessThanOrEqual(jpegFrameOffset(jpeg) + 9);
  });

  it('finds the frame header behind 100 KB of EXIF with one targeted extra read', async () => {
    const jpeg = jpegImage(100, 80, { exifBytes: 100_000 });
    const { read, ranges } = fileReader(jpeg);

    const result = await readImageHeader(jpeg.length, read);

    expect(result.header).toEqual({ status: 'ok', format: 'jpeg', width: 100, height: 80, orientation: 1 });
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toEqual([0, 64 * 1024]);
    expect(ranges[1]?.[0]).toBe(64 * 1024);
    expect(result.bytesRead).toBeLessThan(jpegFrameOffset(jpeg) + 64 * 1024);
  });

  it('reads one 64 KiB range of a large image and nothing more', async () => {
    const png = pngImage(800, 600, { padBytes: 1_000_000 });
    const { read, ranges } = fileReader(png);

    const result = await readImageHeader(png.length, read);

    expect(result).toMatchObject({
      header: { status: 'ok', format: 'png', width: 800, height: 600, orientation: 1 },
      bytesRead: 64 * 1024,
    });
    expect(result.bytes).toHaveLength(64 * 1024);
    expect(ranges).toEqual([[0, 64 * 1024]]);
  });

  it('reads a small file once and never past its end', async () => {
    const jpeg = jpegImage(64, 64);
    const { read, ranges } = fileReader(jpeg);

    await readImageHeader(jpeg.length, read);

    expect(ranges).toEqual([[0, jpeg.length]]);
  });

  it('does not read an empty file at all', async () => {
    const { read, ranges } = fileReader(new Uint8Array());

    const result = await readImageHeader(0, read);

    expect(result.bytesRead).toBe(0);
    expect(ranges).toEqual([]);
  });

  it('reports a JPEG truncated before its frame header as corrupt and cut short', async () => {
    const jpeg = jpegImage(100, 80);
    const truncated = jpeg.subarray(0, jpegFrameOffset(jpeg) + 4);

    const result = await readImageHeader(truncated.length, fileReader(truncated).read);

    expect(result.header).toMatchObject({ status: 'corrupt', format: 'jpeg', truncated: true });
  });

  it('reports a file shorter than its listed size as corrupt instead of waiting for more', async () => {
    const jpeg = jpegImage(100, 80, { exifBytes: 100_000 });
    const short = jpeg.subarray(0, 70_000);

    const result = await readImageHeader(jpeg.length, fileReader(short).read);

    expect(result.header).toMatchObject({ status: 'corrupt', format: 'jpeg' });
  });

  it('reports a listed object that yields no bytes at all as corrupt, not as another format', async () => {
    const result = await readImageHeader(5000, async () => new Uint8Array());

    expect(result).toEqual({
      header: {
        status: 'corrupt',
        problem: 'no bytes could be read; the object was changed or removed during validation',
      },
      bytesRead: 0,
      bytes: new Uint8Array(),
    });
  });

  it('reports a PNG whose first chunk is not IHDR as corrupt', () => {
    const png = pngImage(100, 100);
    png.write('IDAT', 12, 'latin1');

    expect(parseImageHeader(png, true)).toMatchObject({ status: 'corrupt', format: 'png' });
  });

  it('reports a PNG with an impossible bit depth as corrupt', () => {
    const png = pngImage(100, 100);
    png[24] = 3;

    expect(parseImageHeader(png, true)).toMatchObject({
      status: 'corrupt',
      problem: expect.stringContaining('depth 3'),
    });
  });

  it('reports a PNG that states a zero width as corrupt', () => {
    const png = pngImage(100, 100);
    png.writeUInt32BE(0, 16);

    expect(parseImageHeader(png, true)).toMatchObject({ status: 'corrupt', format: 'png' });
  });

  it('reports a PNG that states a width beyond 2^31-1 as corrupt', () => {
    const png = pngImage(100, 100);
    png.writeUInt32BE(0x80000000, 16);

    expect(parseImageHeader(png, true)).toMatchObject({ status: 'corrupt', format: 'png' });
  });

  it('reports a JPEG segment with a length below 2 as corrupt', () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, 0, 0, 0, 0]);

    expect(parseImageHeader(bytes, true)).toMatchObject({
      status: 'corrupt',
      problem: 'JPEG segment at byte 2 is malformed',
    });
  });

  it('reports a JPEG whose frame header states a zero height as corrupt', () => {
    const jpeg = jpegImage(100, 80);
    jpeg.writeUInt16BE(0, jpegFrameOffset(jpeg) + 5);

    expect(parseImageHeader(jpeg, true)).toMatchObject({ status: 'corrupt', format: 'jpeg' });
  });

  it('reports a JPEG whose image data starts before any frame header as corrupt', () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 2, 3, 4, 5, 6]);

    expect(parseImageHeader(bytes, true)).toMatchObject({ status: 'corrupt', format: 'jpeg' });
  });

  it('reports garbage between JPEG segments as corrupt', () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0, 0x12, 0x34]);

    expect(parseImageHeader(bytes, true)).toMatchObject({ status: 'corrupt', problem: 'no JPEG marker at byte 8' });
  });

  it('skips fill bytes and standalone markers on the way to the frame header', () => {
    const jpeg = jpegImage(70, 90);
    const padded = Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xff, 0xd0]), jpeg.subarray(2)]);

    expect(parseImageHeader(padded, true)).toMatchObject({ status: 'ok', width: 70, height: 90 });
  });

  it('reports a file that ends inside the PNG signature as corrupt', () => {
    expect(parseImageHeader(Buffer.from([0x89, 0x50, 0x4e]), true)).toMatchObject({ status: 'corrupt' });
  });

  it('asks for more when only the start of a signature has been read', () => {
    expect(parseImageHeader(Buffer.from([0x89, 0x50]), false)).toEqual({ status: 'need', bytes: 26 });
  });

  it.each([
    ['GIF', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')],
    ['WebP', Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')],
    ['BMP', Buffer.from('BM\x3a\x00\x00\x00', 'latin1')],
    ['TIFF', Buffer.from('II*\x00\x08\x00\x00\x00', 'latin1')],
    ['HEIC/AVIF', Buffer.from('\x00\x00\x00\x18ftypheic', 'latin1')],
  ])('names a %s file as unsupported', (name, bytes) => {
    expect(parseImageHeader(bytes, true)).toEqual({ status: 'unsupported', detected: name });
  });

  it('reports a text file as unsupported without naming a format', () => {
    expect(parseImageHeader(Buffer.from('hello, this is not an image\n'), true)).toEqual({ status: 'unsupported' });
  });

  it('never throws and always ends, whatever the bytes', async () => {
    const prefixes = fc.constantFrom(Buffer.alloc(0), Buffer.from([0xff, 0xd8, 0xff]), pngImage(64, 64).subarray(0, 8));
    await fc.assert(
      fc.asyncProperty(
        prefixes,
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 64 }),
        async (p, tail, initial) => {
          const file = Buffer.concat([p, tail]);
          const result = await readImageHeader(file.length, fileReader(file).read, initial);
          expect(['ok', 'unsupported', 'corrupt']).toContain(result.header.status);
          expect(result.bytesRead).toBeLessThanOrEqual(file.length);
        },
      ),
    );
  });

  it('reports a PNG whose IHDR fails its CRC check as corrupt, not cut short', () => {
    const png = pngImage(320, 240);
    png[29] = (png[29] ?? 0) ^ 0xff;

    expect(parseImageHeader(png, true)).toEqual({
      status: 'corrupt',
      format: 'png',
      problem: 'PNG IHDR chunk at byte 8 fails its CRC check',
    });
  });

  it('checks the CRC of every PNG chunk that lies wholly in the bytes read, and only those', () => {
    const png = pngImage(320, 240, { padBytes: 100_000 });
    const idat = 33; // after the signature (8) and IHDR (25)
    const damaged = Buffer.from(png);
    damaged[idat + 8] = (damaged[idat + 8] ?? 0) ^ 0x01; // first data byte of IDAT

    expect(parseImageHeader(damaged, true)).toMatchObject({
      status: 'corrupt',
      problem: expect.stringMatching(/IDAT/),
    });
    // Cut inside IDAT: the chunk is not whole, so its CRC is not judged here.
    expect(parseImageHeader(damaged.subarray(0, idat + 10), false)).toMatchObject({ status: 'ok' });
    expect(parseImageHeader(png.subarray(0, 64 * 1024), false)).toMatchObject({ status: 'ok', width: 320 });
  });

  it('reports a PNG chunk whose type is not four letters as corrupt', () => {
    const png = pngImage(100, 100);
    png.write('ID1T', 37, 'latin1');

    expect(parseImageHeader(png, true)).toMatchObject({
      status: 'corrupt',
      problem: expect.stringContaining('byte 33'),
    });
  });

  it.each([
    [6, 600, 800],
    [8, 600, 800],
    [5, 600, 800],
    [7, 600, 800],
    [3, 800, 600],
    [1, 800, 600],
  ])('reports an 800x600 JPEG with EXIF orientation %i as displayed, %ix%i', (orientation, width, height) => {
    expect(parseImageHeader(jpegImage(800, 600, { orientation }), true)).toEqual({
      status: 'ok',
      format: 'jpeg',
      width,
      height,
      orientation,
    });
  });

  it('reads the orientation in either EXIF byte order, behind other metadata', () => {
    const jpeg = jpegImage(800, 600, { orientation: 6, littleEndianExif: true, exifBytes: 70_000 });

    expect(parseImageHeader(jpeg, true)).toMatchObject({ width: 600, height: 800, orientation: 6 });
  });

  it('treats an out-of-range or unreadable orientation as 1, as viewers do', () => {
    expect(parseImageHeader(jpegImage(800, 600, { orientation: 9 }), true)).toMatchObject({
      width: 800,
      orientation: 1,
    });
    expect(exifOrientation(Buffer.from('Exif\0\0MM\0\x2a\xff\xff\xff\xff', 'latin1'))).toBe(1);
    expect(exifOrientation(Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>', 'latin1'))).toBeUndefined();
  });
});
