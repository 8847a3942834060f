import {
  type HeaderRead,
  type HeaderResult,
  INITIAL_READ_BYTES,
  type ReadBytes,
  readImageHeader,
  VANISHED,
} from './image-header';
import { isFtypBox, type JpegTrailer, type MotionPhotoLayout, samsungTrailerStart } from './jpeg-trailers';

/**
 * Whether an image file ends where its format says it must: a JPEG with the EOI marker (FF D9),
 * a PNG with its IEND chunk. A header alone does not show an upload cut short: a JPEG cut just
 * after its frame header, or a PNG of only its signature and IHDR, parses fine, and Ground Truth
 * workers and Rekognition would then be given a broken image.
 */

/**
 * Bytes read from the end of a file larger than the first read. Padding after the end marker
 * (zeros or 0xFF fill, some cameras and editors write a little) must fit in it.
 */
export const TAIL_READ_BYTES = 4 * 1024;

/** Bytes tolerated after the end marker: NUL and 0xFF fill, and whitespace (CR, LF, tab, space). */
const isPadding = (b: number): boolean =>
  b === 0x00 || b === 0xff || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x20;

/** IEND: zero length, the type, and its fixed CRC (PNG spec §11.2.5). */
const PNG_IEND = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];
const JPEG_EOI = [0xff, 0xd9];

/** `trailer`: the JPEG's end marker is not at the end of the file but before data a phone appends. */
export type EndCheck = { status: 'ok'; trailer?: JpegTrailer } | { status: 'truncated'; problem: string };

/** Checks the last bytes of a file (`tail`, at most `TAIL_READ_BYTES` of them) for the format's end marker. */
export const checkImageEnd = (format: 'jpeg' | 'png', tail: Uint8Array): EndCheck => {
  let end = tail.length;
  while (end > 0 && isPadding(tail[end - 1] ?? 0)) end -= 1;
  // A JPEG's 0xFF fill may precede EOI's own 0xFF: stripping stops at D9, so FF D9 is never eaten.
  const marker = format === 'jpeg' ? JPEG_EOI : PNG_IEND;
  const at = end - marker.length;
  if (at >= 0 && marker.every((b, i) => tail[at + i] === b)) return { status: 'ok' };
  return {
    status: 'truncated',
    problem:
      format === 'jpeg'
        ? 'the JPEG does not end with its end-of-image marker (FF D9): the file was cut short'
        : 'the PNG does not end with its IEND chunk: the file was cut short',
  };
};

export interface ImageRead {
  header: HeaderResult;
  /** Present when the header parsed: whether the file also ends properly. */
  end?: EndCheck;
  bytesRead: number;
  /** Read requests made: 0 for an empty file, 1 for a small one, 2 or more for a larger one. */
  reads: number;
}

/** Bytes of the file known so far: `bytes` start at file offset `start`. */
interface KnownBytes {
  start: number;
  bytes: Uint8Array;
}

/** Bytes checked for the end marker before an appended trailer (padding included). */
const BEFORE_TRAILER_BYTES = 256;

/** Where the JPEG must end when the data after it is a trailer we know: the Samsung one, or a motion photo's items. */
const trailerAt = (size: number, known: KnownBytes, motionPhoto?: MotionPhotoLayout) => {
  const samsung = samsungTrailerStart(known.bytes, known.start);
  if (samsung !== undefined) return { trailer: 'samsung-trailer' as const, jpegEnd: samsung };
  if (motionPhoto === undefined || motionPhoto.appendedBytes + motionPhoto.primaryPadding >= size) return undefined;
  const jpegEnd = size - motionPhoto.appendedBytes - motionPhoto.primaryPadding;
  return { trailer: 'motion-photo' as const, jpegEnd, videoStart: size - motionPhoto.videoBytes };
};

/**
 * Accepts a JPEG that goes on after its end marker with data we can locate: the end marker must
 * lie just before that data (and a motion photo's video must open with an `ftyp` box). Reads at
 * most two small ranges more, and only for such files; `undefined` when it is none of them.
 */
const checkTrailer = async (
  size: number,
  known: KnownBytes,
  read: ReadBytes,
  motionPhoto?: MotionPhotoLayout,
): Promise<EndCheck | undefined> => {
  const at = trailerAt(size, known, motionPhoto);
  if (at === undefined) return undefined;
  const range = async (start: number, end: number): Promise<Uint8Array> =>
    start >= known.start && end <= known.start + known.bytes.length
      ? known.bytes.subarray(start - known.start, end - known.start)
      : read(start, end);
  const videoStart = at.trailer === 'motion-photo' ? at.videoStart : undefined;
  const [before, video] = await Promise.all([
    range(Math.max(0, at.jpegEnd - BEFORE_TRAILER_BYTES), at.jpegEnd),
    videoStart === undefined ? undefined : range(videoStart, Math.min(size, videoStart + 8)),
  ]);
  if (video !== undefined && !isFtypBox(video)) return undefined;
  return checkImageEnd('jpeg', before).status === 'ok' ? { status: 'ok', trailer: at.trailer } : undefined;
};

/**
 * Reads a file's header and its end. A file no longer than the first read is read once, whole;
 * a longer one gets a ranged read of its last `TAIL_READ_BYTES` (from the listed size, as the
 * header read is) in parallel with the header read: one more request, no extra latency.
 */
export const readImage = async (size: number, read: ReadBytes, initial = INITIAL_READ_BYTES): Promise<ImageRead> => {
  if (size === 0) return { header: VANISHED, bytesRead: 0, reads: 0 };
  let reads = 0;
  const counted: ReadBytes = (start, end) => {
    reads += 1;
    return read(start, end);
  };
  const needsTail = size > initial;
  const [head, tail] = await Promise.all([
    readImageHeader(size, counted, initial),
    needsTail ? read(size - TAIL_READ_BYTES, size) : undefined,
  ]);
  if (needsTail) reads += 1;
  const bytesRead = head.bytesRead + (tail?.length ?? 0);
  if (head.header.status !== 'ok') return { header: head.header, bytesRead, reads };
  const last = tail ?? lastBytes(head);
  if (last.length === 0) return { header: VANISHED, bytesRead, reads };
  const end = checkImageEnd(head.header.format, last);
  if (end.status === 'ok' || head.header.format !== 'jpeg') return { header: head.header, end, bytesRead, reads };
  let extra = 0;
  const tallied: ReadBytes = async (start, stop) => {
    const bytes = await counted(start, stop);
    extra += bytes.length;
    return bytes;
  };
  const known = tail === undefined ? { start: 0, bytes: head.bytes } : { start: size - tail.length, bytes: tail };
  const trailer = await checkTrailer(size, known, tallied, head.header.motionPhoto);
  return { header: head.header, end: trailer ?? end, bytesRead: bytesRead + extra, reads };
};

const lastBytes = (head: HeaderRead): Uint8Array =>
  head.bytes.subarray(Math.max(0, head.bytes.length - TAIL_READ_BYTES));
