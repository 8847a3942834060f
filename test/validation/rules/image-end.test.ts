import { checkImageEnd, readImage, TAIL_READ_BYTES } from '../../../functions/validation/rules/image-end';
import { inspectImage } from '../../../functions/validation/rules/image-rules';
import { hostileImages } from '../../fixtures/hostile-images';
import { jpegImage, pngImage } from '../../fixtures/images';

/** A file in memory, read the way the handler reads S3, recording each range as an HTTP Range header would. */
const reader = (file: Uint8Array) => {
  const calls: string[] = [];
  return {
    calls,
    read: async (start: number, end: number) => {
      calls.push(`${start}-${end - 1}`);
      return file.subarray(start, end);
    },
  };
};

const inspect = async (file: Uint8Array) => {
  const { read } = reader(file);
  const image = await readImage(file.length, read);
  return inspectImage(file.length, image.header, image.end);
};

describe('image-end', () => {
  it.each(Object.entries(hostileImages()))('rejects %s with its code', async (_name, { body, code }) => {
    const result = await inspect(body);

    expect(result.reasons.map((r) => r.code)).toEqual([code]);
  });

  it('still reports the format and size of a JPEG cut after its frame header', async () => {
    const { body } = hostileImages()['jpeg-cut-after-sof.jpg'] ?? { body: Buffer.alloc(0) };

    expect(await inspect(body)).toMatchObject({
      format: 'jpeg',
      width: 320,
      height: 240,
      reasons: [{ code: 'TRUNCATED_IMAGE', message: expect.stringContaining('end-of-image marker (FF D9)') }],
    });
  });

  it('accepts complete JPEGs and PNGs', async () => {
    for (const file of [jpegImage(200, 100), pngImage(200, 100), jpegImage(800, 600, { exifBytes: 100_000 })]) {
      expect((await inspect(file)).reasons).toEqual([]);
    }
  });

  it('allows padding after the end marker: zeros, 0xFF fill, newlines', () => {
    const jpeg = jpegImage(100, 100);
    const png = pngImage(100, 100);
    const padding = Buffer.from([0x00, 0x00, 0xff, 0xff, 0x0a, 0x0d, 0x20]);

    expect(checkImageEnd('jpeg', Buffer.concat([jpeg, padding]))).toEqual({ status: 'ok' });
    expect(checkImageEnd('png', Buffer.concat([png, Buffer.alloc(500)]))).toEqual({ status: 'ok' });
  });

  it('refuses other bytes after the end marker, and an end marker of the other format', () => {
    const jpeg = jpegImage(100, 100);

    expect(checkImageEnd('jpeg', Buffer.concat([jpeg, Buffer.from('trailing garbage')])).status).toBe('truncated');
    expect(checkImageEnd('png', jpeg).status).toBe('truncated');
    expect(checkImageEnd('jpeg', Buffer.from([0xff])).status).toBe('truncated');
    expect(checkImageEnd('jpeg', Buffer.alloc(0)).status).toBe('truncated');
  });

  it('reads a large file at its head and, in parallel, its last bytes: two requests', async () => {
    const png = pngImage(1000, 800, { padBytes: 500_000 });
    const { read, calls } = reader(png);

    const image = await readImage(png.length, read);

    expect(calls.sort()).toEqual(['0-65535', `${png.length - TAIL_READ_BYTES}-${png.length - 1}`].sort());
    expect(image).toMatchObject({ reads: 2, bytesRead: 64 * 1024 + TAIL_READ_BYTES, end: { status: 'ok' } });
  });

  it('finds a large PNG that lost its end', async () => {
    const png = pngImage(1000, 800, { padBytes: 500_000 });

    expect((await inspect(png.subarray(0, 300_000))).reasons.map((r) => r.code)).toEqual(['TRUNCATED_IMAGE']);
  });

  it('reads a small file once, whole, and takes its end from that read', async () => {
    const jpeg = jpegImage(100, 100);
    const { read, calls } = reader(jpeg);

    const image = await readImage(jpeg.length, read);

    expect(calls).toEqual([`0-${jpeg.length - 1}`]);
    expect(image).toMatchObject({ reads: 1, bytesRead: jpeg.length, end: { status: 'ok' } });
  });

  it('reads nothing of an empty file', async () => {
    const { read, calls } = reader(Buffer.alloc(0));

    expect(await readImage(0, read)).toMatchObject({ reads: 0, bytesRead: 0 });
    expect(calls).toEqual([]);
  });

  it('reports an object whose tail read yields nothing as changed during validation', async () => {
    const png = pngImage(1000, 800, { padBytes: 500_000 });

    const image = await readImage(png.length, async (start, end) =>
      start === 0 ? png.subarray(start, end) : new Uint8Array(),
    );

    expect(image.header).toMatchObject({
      status: 'corrupt',
      problem: expect.stringContaining('removed during validation'),
    });
  });
});
