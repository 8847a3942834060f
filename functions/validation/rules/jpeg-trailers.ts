/**
 * Data phones append to a JPEG after its end-of-image marker, which Rekognition and browsers
 * ignore: a motion photo's video, located by the XMP in the JPEG's header (Google's Motion Photo
 * format 1: a `Container:Directory` whose items give their `Item:Length`; the older MicroVideo
 * format: `GCamera:MicroVideoOffset`, the video's length from the end), and Samsung's trailer
 * (`SEFH` directory, its length and `SEFT` as the file's last bytes; exiftool's Samsung.pm reads it
 * the same way). Knowing where that data starts, validation can check the JPEG still ends there.
 */

export type JpegTrailer = 'motion-photo' | 'samsung-trailer';

/** Where a motion photo's appended items lie, counted back from the end of the file. */
export interface MotionPhotoLayout {
  /** Bytes from the first item after the primary image (and its padding) to the end of the file. */
  appendedBytes: number;
  /** Bytes from the start of the video (an MP4, opening with its `ftyp` box) to the end of the file. */
  videoBytes: number;
  /** Bytes the XMP says lie between the primary image's end marker and the first appended item. */
  primaryPadding: number;
}

const XMP_ID = 'http://ns.adobe.com/xap/1.0/\0';

const ascii = (bytes: Uint8Array, at: number, text: string): boolean =>
  at >= 0 && at + text.length <= bytes.length && [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));

const attribute = (tag: string, name: string): string | undefined =>
  new RegExp(`${name}\\s*=\\s*"([^"]*)"`).exec(tag)?.[1];

const count = (value: string | undefined): number => (value !== undefined && /^\d+$/.test(value) ? Number(value) : 0);

/** The Container:Directory's items, in file order (Motion Photo format 1). */
const containerLayout = (xmp: string): MotionPhotoLayout | undefined => {
  const items = [...xmp.matchAll(/<Container:Item\b([^>]*)>/g)].map(([, tag = '']) => ({
    semantic: attribute(tag, 'Item:Semantic'),
    length: count(attribute(tag, 'Item:Length')),
    padding: count(attribute(tag, 'Item:Padding')),
  }));
  const video = items.findIndex((item) => item.semantic === 'MotionPhoto');
  if (items[0]?.semantic !== 'Primary' || video < 1) return undefined;
  const fromEnd = (first: number) => items.slice(first).reduce((sum, item) => sum + item.length, 0);
  return { appendedBytes: fromEnd(1), videoBytes: fromEnd(video), primaryPadding: items[0].padding };
};

/** The older MicroVideo format: only the video, its length given as an offset from the end. */
const microVideoLayout = (xmp: string): MotionPhotoLayout | undefined => {
  const offset = count(attribute(xmp, 'GCamera:MicroVideoOffset') ?? /<GCamera:MicroVideoOffset>(\d+)</.exec(xmp)?.[1]);
  return offset > 0 ? { appendedBytes: offset, videoBytes: offset, primaryPadding: 0 } : undefined;
};

/** The motion-photo layout an APP1 segment's data (after its length) states, if it is XMP that states one. */
export const motionPhotoLayout = (segment: Uint8Array): MotionPhotoLayout | undefined => {
  if (!ascii(segment, 0, XMP_ID)) return undefined;
  const xmp = new TextDecoder().decode(segment.subarray(XMP_ID.length));
  const layout = containerLayout(xmp) ?? microVideoLayout(xmp);
  return layout !== undefined && layout.appendedBytes >= layout.videoBytes ? layout : undefined;
};

/** Whether `bytes` open with an ISO base media (MP4) file's `ftyp` box: a size of at least 8, then the type. */
export const isFtypBox = (bytes: Uint8Array): boolean =>
  bytes.length >= 8 && ascii(bytes, 4, 'ftyp') && new DataView(bytes.buffer, bytes.byteOffset).getUint32(0) >= 8;

/**
 * Where a Samsung trailer's first data block starts (its offset in the file), when the file's last
 * bytes `tail` (starting at file offset `tailStart`) end with one: `SEFH`, a version, the entry
 * count and 12-byte entries whose offsets count back from `SEFH`, then the directory's length and
 * `SEFT`, little-endian throughout.
 */
export const samsungTrailerStart = (tail: Uint8Array, tailStart: number): number | undefined => {
  if (!ascii(tail, tail.length - 4, 'SEFT') || tail.length < 8) return undefined;
  const data = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const directory = tail.length - 8 - data.getUint32(tail.length - 8, true);
  if (!ascii(tail, directory, 'SEFH') || directory + 12 > tail.length - 8) return undefined;
  const entries = data.getUint32(directory + 8, true);
  if (entries === 0 || directory + 12 + entries * 12 > tail.length - 8) return undefined;
  let farthest = 0;
  for (let i = 0; i < entries; i += 1) farthest = Math.max(farthest, data.getUint32(directory + 12 + i * 12 + 4, true));
  const start = tailStart + directory - farthest;
  return farthest > 0 && start > 0 ? start : undefined;
};
