import { readImage, TAIL_READ_BYTES } from '../../../functions/validation/rules/image-end';
import { inspectImage } from '../../../functions/validation/rules/image-rules';
import { isFtypBox, motionPhotoLayout, samsungTrailerStart } from '../../../functions/validation/rules/jpeg-trailers';
import { jpegImage, motionPhoto, mp4Bytes, samsungTrailer } from '../../fixtures/images';

const inspect = async (file: Uint8Array) => {
  const ranges: string[] = [];
  const image = await readImage(file.length, async (start, end) => {
    ranges.push(`${start}-${end - 1}`);
    return file.subarray(start, end);
  });
  return { ranges, image, inspection: inspectImage(file.length, image.header, image.end) };
};

const codes = (inspection: { reasons: { code: string }[] }) => inspection.reasons.map((r) => r.code);

describe('jpeg-trailers', () => {
  const jpeg = jpegImage(320, 240);

  it('accepts a motion photo (Container:Directory, Item:Length) and names its trailer', async () => {
    const file = motionPhoto(jpeg, { videoBytes: 300_000 });

    const { inspection, image } = await inspect(file);

    expect(inspection).toMatchObject({ format: 'jpeg', width: 320, height: 240, trailer: 'motion-photo', reasons: [] });
    // The head, the tail, then the bytes before the video and the video's first 8: small reads only.
    expect(image.reads).toBe(4);
    expect(image.bytesRead).toBeLessThan(64 * 1024 + TAIL_READ_BYTES + 300);
  });

  it('accepts the older MicroVideo format (GCamera:MicroVideoOffset)', async () => {
    const { inspection } = await inspect(motionPhoto(jpeg, { xmp: 'micro-video', videoBytes: 200_000 }));

    expect(inspection).toMatchObject({ trailer: 'motion-photo', reasons: [] });
  });

  it('accepts padding the XMP declares between the JPEG and the video', async () => {
    const { inspection } = await inspect(motionPhoto(jpeg, { padding: 16, videoBytes: 100_000 }));

    expect(inspection).toMatchObject({ trailer: 'motion-photo', reasons: [] });
  });

  it('accepts a Samsung trailer, small (in the tail) or carrying a video (one read more)', async () => {
    const small = samsungTrailer(jpeg, [{ name: 'Image_UTC_Data', data: Buffer.from('1700000000000') }]);
    const video = samsungTrailer(jpegImage(320, 240, { noise: true }), [
      { name: 'MotionPhoto_Data', data: mp4Bytes(500_000), type: 0x0a30 },
      { name: 'Image_UTC_Data', data: Buffer.from('1700000000000') },
    ]);

    const smallResult = await inspect(small);
    const videoResult = await inspect(video);

    expect(smallResult.inspection).toMatchObject({ trailer: 'samsung-trailer', reasons: [] });
    expect(videoResult.inspection).toMatchObject({ trailer: 'samsung-trailer', reasons: [] });
    expect(videoResult.image.reads).toBe(3);
  });

  it('keeps rejecting a motion photo whose video was cut short', async () => {
    const file = motionPhoto(jpeg, { videoBytes: 300_000 });

    const { inspection } = await inspect(file.subarray(0, file.length - 1000));

    expect(codes(inspection)).toEqual(['TRUNCATED_IMAGE']);
    expect(inspection).not.toHaveProperty('trailer');
  });

  it('rejects a JPEG whose XMP claims a video where no MP4 starts', async () => {
    const file = motionPhoto(jpeg, { videoBytes: 100_000 });
    file.write('junk', file.length - 100_000 + 4, 'latin1');

    expect(codes((await inspect(file)).inspection)).toEqual(['TRUNCATED_IMAGE']);
  });

  it('keeps rejecting a JPEG cut short, with or without a trailer after the cut', async () => {
    const big = jpegImage(800, 600, { noise: true });
    const cut = big.subarray(0, big.length - 5000);

    expect(codes((await inspect(cut)).inspection)).toEqual(['TRUNCATED_IMAGE']);
    expect(codes((await inspect(Buffer.concat([cut, Buffer.from('trailing garbage')]))).inspection)).toEqual([
      'TRUNCATED_IMAGE',
    ]);
    const cutThenSamsung = samsungTrailer(cut, [{ name: 'Image_UTC_Data', data: Buffer.from('1700000000000') }]);
    expect(codes((await inspect(cutThenSamsung)).inspection)).toEqual(['TRUNCATED_IMAGE']);
  });

  it('reads a plain JPEG as before: no trailer, no extra read', async () => {
    const big = jpegImage(800, 600, { noise: true });

    const { image, inspection } = await inspect(big);

    expect(image.reads).toBe(2);
    expect(inspection).not.toHaveProperty('trailer');
  });

  it('parses the layouts and boxes it relies on', () => {
    const xmp = (text: string) => Buffer.from(`http://ns.adobe.com/xap/1.0/\0${text}`, 'latin1');

    expect(motionPhotoLayout(xmp('<x GCamera:MicroVideoOffset="1234"/>'))).toEqual({
      appendedBytes: 1234,
      videoBytes: 1234,
      primaryPadding: 0,
    });
    expect(motionPhotoLayout(xmp('<GCamera:MicroVideoOffset>99</GCamera:MicroVideoOffset>'))?.videoBytes).toBe(99);
    expect(motionPhotoLayout(xmp('<Container:Item Item:Semantic="Primary"/>'))).toBeUndefined();
    expect(motionPhotoLayout(Buffer.from('Exif\0\0MM'))).toBeUndefined();
    expect(isFtypBox(mp4Bytes(100))).toBe(true);
    expect(isFtypBox(Buffer.from('\0\0\0\0ftyp'))).toBe(false);
    expect(samsungTrailerStart(Buffer.from('no trailer here SEFT'), 0)).toBeUndefined();
  });
});
