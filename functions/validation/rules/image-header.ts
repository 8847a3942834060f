/**
 * Reads an image's format and pixel size from its first bytes, by content (never the file
 * extension). Only JPEG and PNG are accepted by both Ground Truth bounding-box jobs and
 * Rekognition Custom Labels (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/md-prepare-images.html); anything else is recognised just well enough
 * to name it in the rejection message.
 */

import { crc32 } from 'node:zlib';
import { exifOrientation } from './exif-orientation';
import { type MotionPhotoLayout, motionPhotoLayout } from './jpeg-trailers';

export { exifOrientation } from './exif-orientation';

export type ImageFormat = 'jpeg' | 'png';

/**
 * `width` and `height` are the size as displayed: a JPEG whose EXIF orientation is 5 to 8 is
 * shown rotated by a quarter turn (Ground Truth's worker UI and Rekognition both apply it), so
 * its stored frame size is swapped. `orientation` is the EXIF value (1 when there is none).
 * `motionPhoto`: where the XMP of a motion photo says its appended video lies.
 */
export type HeaderResult =
  | {
      status: 'ok';
      format: ImageFormat;
      width: number;
      height: number;
      orientation: number;
      motionPhoto?: MotionPhotoLayout;
    }
  | { status: 'unsupported'; detected?: string }
  /** `truncated`: the file ends inside its header, so it was cut short rather than malformed. */
  | { status: 'corrupt'; format?: ImageFormat; problem: string; truncated?: true };

/** A parse of a prefix of the file: either final, or the number of bytes needed to go on. */
export type HeaderParse = HeaderResult | { status: 'need'; bytes: number };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
/** Signature (8) + IHDR length and type (8) + width, height, depth, colour type (10). */
const PNG_HEADER_BYTES = 26;

/** Formats we reject, recognised by their magic bytes so the message can name them. */
const OTHER_FORMATS: ReadonlyArray<{ name: string; at: number; magic: string }> = [
  { name: 'GIF', at: 0, magic: 'GIF8' },
  { name: 'WebP', at: 8, magic: 'WEBP' },
  { name: 'BMP', at: 0, magic: 'BM' },
  { name: 'TIFF', at: 0, magic: 'II*\0' },
  { name: 'TIFF', at: 0, magic: 'MM\0*' },
  { name: 'HEIC/AVIF', at: 4, magic: 'ftyp' },
  { name: 'PDF', at: 0, magic: '%PDF' },
];

const startsWith = (bytes: Uint8Array, signature: readonly number[]): boolean =>
  signature.every((b, i) => i >= bytes.length || bytes[i] === b);

const hasAt = (bytes: Uint8Array, at: number, magic: string): boolean =>
  bytes.length >= at + magic.length && [...magic].every((c, i) => bytes[at + i] === c.charCodeAt(0));

/** Big-endian reads; callers have checked that the bytes are there. */
const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const u8 = (b: Uint8Array, at: number): number => view(b).getUint8(at);
const u16 = (b: Uint8Array, at: number): number => view(b).getUint16(at);
const u32 = (b: Uint8Array, at: number): number => view(b).getUint32(at);

/** Valid PNG bit depths per colour type (PNG spec §11.2.2). */
const PNG_DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

const parsePng = (bytes: Uint8Array, complete: boolean): HeaderParse => {
  if (bytes.length < PNG_HEADER_BYTES) {
    return complete
      ? { status: 'corrupt', format: 'png', problem: 'file ends inside the PNG header', truncated: true }
      : need(26);
  }
  if (u32(bytes, 8) !== 13 || !hasAt(bytes, 12, 'IHDR')) {
    return { status: 'corrupt', format: 'png', problem: 'the first PNG chunk is not a valid IHDR' };
  }
  const width = u32(bytes, 16);
  const height = u32(bytes, 20);
  const depth = u8(bytes, 24);
  const colourType = u8(bytes, 25);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    return { status: 'corrupt', format: 'png', problem: `PNG header states an impossible size ${width}×${height}` };
  }
  if (!PNG_DEPTHS[colourType]?.includes(depth)) {
    return { status: 'corrupt', format: 'png', problem: `PNG header has colour type ${colourType}, depth ${depth}` };
  }
  const chunkProblem = checkPngChunks(bytes);
  if (chunkProblem !== undefined) return { status: 'corrupt', format: 'png', problem: chunkProblem };
  return { status: 'ok', format: 'png', width, height, orientation: 1 };
};

/** A chunk type is four ASCII letters (PNG spec §5.4). */
const isChunkType = (bytes: Uint8Array, at: number): boolean => {
  for (let i = at; i < at + 4; i += 1) {
    const c = (bytes[i] ?? 0) | 0x20;
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
};

/**
 * Walks the PNG chunks that lie wholly in the bytes read and checks each CRC (over type and
 * data): a damaged header or early chunk is caught without reading the rest of the file. A chunk
 * that runs past the bytes read is left to the end check (`checkImageEnd`).
 */
const checkPngChunks = (bytes: Uint8Array): string | undefined => {
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = u32(bytes, at);
    if (length > 0x7fffffff || !isChunkType(bytes, at + 4)) return `PNG chunk at byte ${at} is malformed`;
    const end = at + 12 + length;
    if (end > bytes.length) return undefined;
    const stored = u32(bytes, end - 4);
    if (crc32(bytes.subarray(at + 4, end - 4)) !== stored) {
      const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
      return `PNG ${type} chunk at byte ${at} fails its CRC check`;
    }
    at = end;
  }
  return undefined;
};

/** JPEG start-of-frame markers (C0–CF minus DHT C4, JPG C8 and DAC CC) carry the frame size. */
const isStartOfFrame = (marker: number): boolean =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Markers that stand alone, with no length field: TEM and RST0–RST7. */
const isStandalone = (marker: number): boolean => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);

/** Bytes from a marker's 0xFF to the end of a start-of-frame's width field. */
const SOF_BYTES = 9;

const need = (bytes: number): HeaderParse => ({ status: 'need', bytes });

/** What the segments before the frame header say about the image. */
interface JpegMetadata {
  orientation?: number;
  motionPhoto?: MotionPhotoLayout;
}

const corruptJpeg = (problem: string): HeaderResult => ({ status: 'corrupt', format: 'jpeg', problem });

/** The marker at `at`, or the reason there is none where a segment must start. */
const markerAt = (bytes: Uint8Array, at: number): number | HeaderResult => {
  if (bytes[at] !== 0xff) return corruptJpeg(`no JPEG marker at byte ${at}`);
  const marker = u8(bytes, at + 1);
  if (marker === 0xd8 || marker === 0xd9 || marker === 0xda || marker === 0x00) {
    return corruptJpeg('JPEG has no frame header before its image data');
  }
  return marker;
};

/** Bytes a marker without a segment takes: a fill byte (1), TEM or RST0–RST7 (2), otherwise 0. */
const bytesWithoutSegment = (marker: number): number => (marker === 0xff ? 1 : isStandalone(marker) ? 2 : 0);

const APP1 = 0xe1;

/** Reads the EXIF orientation and a motion photo's XMP from an APP1 segment's data. */
const readMetadata = (marker: number, data: Uint8Array, metadata: JpegMetadata): void => {
  if (marker !== APP1) return;
  if (metadata.orientation === undefined) metadata.orientation = exifOrientation(data);
  metadata.motionPhoto ??= motionPhotoLayout(data);
};

/** One step of the segment walk: go on at `next`, stop with `result`, or the file ends before `needs` bytes. */
type JpegStep = { next: number } | { result: HeaderParse } | { needs: number };

const jpegStep = (bytes: Uint8Array, at: number, metadata: JpegMetadata): JpegStep => {
  if (at + 2 > bytes.length) return { needs: at + SOF_BYTES };
  const marker = markerAt(bytes, at);
  if (typeof marker !== 'number') return { result: marker };
  const skip = bytesWithoutSegment(marker);
  if (skip > 0) return { next: at + skip };
  const frame = isStartOfFrame(marker);
  if (at + (frame ? SOF_BYTES : 4) > bytes.length) return { needs: at + SOF_BYTES };
  const length = u16(bytes, at + 2);
  if (length < 2) return { result: corruptJpeg(`JPEG segment at byte ${at} is malformed`) };
  if (frame) return { result: jpegFrame(u16(bytes, at + 7), u16(bytes, at + 5), metadata) };
  // Every segment before the frame header is whole by the time the frame header is reached.
  if (at + 2 + length <= bytes.length) readMetadata(marker, bytes.subarray(at + 4, at + 2 + length), metadata);
  return { next: at + 2 + length };
};

/**
 * Walks the JPEG segment list from SOI to the first start-of-frame, so that a large EXIF, ICC or
 * XMP block before the frame header costs one targeted extra read instead of blind retries.
 */
const parseJpeg = (bytes: Uint8Array, complete: boolean): HeaderParse => {
  const metadata: JpegMetadata = {};
  let step: JpegStep = { next: 2 };
  while ('next' in step) step = jpegStep(bytes, step.next, metadata);
  if ('result' in step) return step.result;
  return complete
    ? { status: 'corrupt', format: 'jpeg', problem: 'file ends before the JPEG frame header', truncated: true }
    : need(step.needs);
};

/** Orientations 5 to 8 turn the image a quarter: the displayed width is the stored height. */
const jpegFrame = (width: number, height: number, metadata: JpegMetadata): HeaderParse => {
  if (width === 0 || height === 0) return corruptJpeg(`JPEG frame header states size ${width}×${height}`);
  const orientation = metadata.orientation ?? 1;
  const turned = orientation >= 5;
  return {
    status: 'ok',
    format: 'jpeg',
    width: turned ? height : width,
    height: turned ? width : height,
    orientation,
    ...(metadata.motionPhoto === undefined ? {} : { motionPhoto: metadata.motionPhoto }),
  };
};

/**
 * Parses the first bytes of a file. `complete` says whether `bytes` is the whole file: if it is
 * not and the header goes on, the result is `need` with the total byte count to read next.
 */
export const parseImageHeader = (bytes: Uint8Array, complete: boolean): HeaderParse => {
  if (bytes.length >= 3 && startsWith(bytes, JPEG_SIGNATURE)) return parseJpeg(bytes, complete);
  if (bytes.length >= 8 && startsWith(bytes, PNG_SIGNATURE)) return parsePng(bytes, complete);
  const prefixOfSignature = startsWith(bytes, JPEG_SIGNATURE) || startsWith(bytes, PNG_SIGNATURE);
  if (prefixOfSignature && bytes.length > 0) {
    return complete
      ? { status: 'corrupt', problem: 'file ends inside the image signature', truncated: true }
      : need(PNG_HEADER_BYTES);
  }
  const other = OTHER_FORMATS.find((f) => hasAt(bytes, f.at, f.magic));
  return other ? { status: 'unsupported', detected: other.name } : { status: 'unsupported' };
};

/** Reads bytes `[start, end)` of the file being inspected. */
export type ReadBytes = (start: number, end: number) => Promise<Uint8Array>;

export interface HeaderRead {
  header: HeaderResult;
  bytesRead: number;
  /** The first `bytesRead` bytes of the file: the whole file when it is that short. */
  bytes: Uint8Array;
}

/**
 * The first read. One request covers the frame header of nearly every camera JPEG (EXIF is at most
 * 64 KiB and usually far less); a request costs far more than the extra bytes it transfers.
 */
export const INITIAL_READ_BYTES = 64 * 1024;
/**
 * Bytes read past the offset the segment walk needs, so that the segments after a big one (more
 * EXIF or ICC chunks, tables, the frame header) usually come with the same request.
 */
const READ_AHEAD_BYTES = 64 * 1024;

/** What a listed, non-empty object that yields no bytes at all gets: it changed or went away meanwhile. */
export const VANISHED: HeaderResult = {
  status: 'corrupt',
  problem: 'no bytes could be read; the object was changed or removed during validation',
};

/**
 * Reads just enough of a file of `size` bytes to parse its header: `INITIAL_READ_BYTES` first,
 * then exactly up to where the JPEG segment walk says the next marker lies. Never reads more than
 * the file holds; an empty file is not read at all.
 */
export const readImageHeader = async (
  size: number,
  read: ReadBytes,
  initial = INITIAL_READ_BYTES,
): Promise<HeaderRead> => {
  let bytes: Uint8Array = new Uint8Array();
  let target = Math.min(size, initial);
  for (;;) {
    if (target > bytes.length) bytes = concat(bytes, await read(bytes.length, target));
    if (bytes.length === 0 && size > 0) return { header: VANISHED, bytesRead: 0, bytes };
    const complete = bytes.length >= size || bytes.length < target;
    const parsed = parseImageHeader(bytes, complete);
    if (parsed.status !== 'need') return { header: parsed, bytesRead: bytes.length, bytes };
    // Always make progress: `need` lies beyond what we have, and the file is longer than that.
    target = Math.min(size, Math.max(parsed.bytes + READ_AHEAD_BYTES, bytes.length + 1));
  }
};

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
};
