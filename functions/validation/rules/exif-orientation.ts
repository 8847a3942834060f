/** The EXIF orientation of a JPEG, read from its APP1 segment (EXIF 2.32). */

const hasAt = (bytes: Uint8Array, at: number, magic: string): boolean =>
  bytes.length >= at + magic.length && [...magic].every((c, i) => bytes[at + i] === c.charCodeAt(0));

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

const EXIF_ID = 'Exif\0\0';
const ORIENTATION_TAG = 0x0112;

/**
 * The orientation tag of IFD0 in an APP1 segment's data (EXIF 2.32 §4.6.4), or `undefined` when
 * the segment is not EXIF (XMP also lives in APP1). A malformed or out-of-range value reads as 1,
 * as viewers treat it.
 */
export const exifOrientation = (segment: Uint8Array): number | undefined => {
  if (!hasAt(segment, 0, EXIF_ID)) return undefined;
  const tiff = segment.subarray(EXIF_ID.length);
  const little = hasAt(tiff, 0, 'II');
  if (tiff.length < 8 || (!little && !hasAt(tiff, 0, 'MM'))) return 1;
  const data = view(tiff);
  if (data.getUint16(2, little) !== 42) return 1;
  return ifdOrientation(data, data.getUint32(4, little), little);
};

/** The orientation entry of the IFD at `ifd` (12-byte entries after a 2-byte count), 1 when absent or out of range. */
const ifdOrientation = (data: DataView, ifd: number, little: boolean): number => {
  if (ifd + 2 > data.byteLength) return 1;
  const entries = data.getUint16(ifd, little);
  for (let i = 0; i < entries; i += 1) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > data.byteLength) break;
    if (data.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    const type = data.getUint16(entry + 2, little);
    const value = type === 3 ? data.getUint16(entry + 8, little) : type === 4 ? data.getUint32(entry + 8, little) : 0;
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
};
