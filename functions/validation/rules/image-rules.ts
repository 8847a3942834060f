import { ImageReason } from '../../kernel/rules/reason-codes';
import type { EndCheck } from './image-end';
import type { HeaderResult, ImageFormat } from './image-header';
import type { JpegTrailer } from './jpeg-trailers';

/**
 * What both Ground Truth bounding-box jobs and Rekognition Custom Labels accept: the stricter of
 * the two on every axis. GT takes ≤40 MB and ≤100 Mpx JPEG/PNG (https://docs.aws.amazon.com/sagemaker/latest/dg/input-data-limits.html); Rekognition takes
 * JPEG/PNG of 64–4096 px per side, ≤15 MB, aspect ratio ≤20:1 (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html).
 */
export const IMAGE_LIMITS = {
  minSide: 64,
  maxSide: 4096,
  /** "15 MB" read as decimal megabytes: the stricter reading, so no image that passes here fails at import. */
  maxBytes: 15_000_000,
  maxAspectRatio: 20,
} as const;

export interface Rejection {
  code: ImageReason;
  message: string;
}

/** The verdict on one file, before duplicates across the batch are known. */
export interface ImageInspection {
  format: ImageFormat | null;
  /** As displayed (EXIF orientation applied); the rules apply to these. */
  width: number | null;
  height: number | null;
  /** EXIF orientation, 1 to 8 (1 when the file has none); null when the header could not be read. */
  orientation: number | null;
  bytes: number;
  /** Data a phone appended after the JPEG's end marker, which was found and accepted. */
  trailer?: JpegTrailer;
  reasons: Rejection[];
}

const MB = 1_000_000;

const formatReasons = (header: HeaderResult): Rejection[] => {
  if (header.status === 'unsupported') {
    const what = header.detected ? `a ${header.detected} image` : 'not a JPEG or PNG image';
    return [{ code: ImageReason.UNSUPPORTED_FORMAT, message: `content is ${what}; only JPEG and PNG are accepted` }];
  }
  if (header.status === 'corrupt' && header.truncated) {
    return [{ code: ImageReason.TRUNCATED_IMAGE, message: `the file was cut short: ${header.problem}` }];
  }
  if (header.status === 'corrupt') {
    return [{ code: ImageReason.CORRUPT_IMAGE, message: `image header cannot be read: ${header.problem}` }];
  }
  return [];
};

const dimensionReasons = (width: number, height: number): Rejection[] => {
  const { minSide, maxSide, maxAspectRatio } = IMAGE_LIMITS;
  const reasons: Rejection[] = [];
  if (Math.min(width, height) < minSide) {
    reasons.push({
      code: ImageReason.TOO_SMALL,
      message: `${width}×${height} px; each side must be at least ${minSide} px`,
    });
  }
  if (Math.max(width, height) > maxSide) {
    reasons.push({
      code: ImageReason.TOO_LARGE,
      message: `${width}×${height} px; each side must be at most ${maxSide} px`,
    });
  }
  const ratio = Math.max(width, height) / Math.min(width, height);
  if (ratio > maxAspectRatio) {
    reasons.push({
      code: ImageReason.ASPECT_RATIO,
      message: `aspect ratio ${ratio.toFixed(1)}:1 exceeds ${maxAspectRatio}:1`,
    });
  }
  return reasons;
};

/**
 * Applies every per-file rule to a file of `bytes` bytes whose header parsed as `header` and
 * whose last bytes gave `end`, and returns all the reasons that apply (an image may fail
 * several). An empty file gets only EMPTY_FILE: there is nothing else to say about it.
 */
export const inspectImage = (bytes: number, header: HeaderResult, end?: EndCheck): ImageInspection => {
  if (bytes === 0) {
    return {
      format: null,
      width: null,
      height: null,
      orientation: null,
      bytes,
      reasons: [{ code: ImageReason.EMPTY_FILE, message: 'file is empty (0 bytes)' }],
    };
  }
  const reasons = formatReasons(header);
  if (bytes > IMAGE_LIMITS.maxBytes) {
    reasons.push({
      code: ImageReason.FILE_TOO_LARGE,
      message: `${(bytes / MB).toFixed(1)} MB; files must be at most ${IMAGE_LIMITS.maxBytes / MB} MB`,
    });
  }
  if (header.status !== 'ok') {
    return {
      format: header.status === 'corrupt' ? (header.format ?? null) : null,
      width: null,
      height: null,
      orientation: null,
      bytes,
      reasons,
    };
  }
  if (end?.status === 'truncated') reasons.unshift({ code: ImageReason.TRUNCATED_IMAGE, message: end.problem });
  reasons.push(...dimensionReasons(header.width, header.height));
  const { format, width, height, orientation } = header;
  const trailer = end?.status === 'ok' ? end.trailer : undefined;
  return { format, width, height, orientation, bytes, ...(trailer === undefined ? {} : { trailer }), reasons };
};
