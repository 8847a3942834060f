import { ManifestReason } from '../../kernel/rules/reason-codes';
import { readAnnotation, readConfidence } from '../../labeling/contracts/labeling-output/read-output-line';
import type { LineProblem } from './output-manifest';

/** Rekognition Custom Labels import limits (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html). */
export const RekognitionLimits = {
  /** ≤ 50 boxes per image. */
  MAX_BOXES_PER_IMAGE: 50,
  /** ≤ 250 labels per manifest. */
  MAX_LABELS: 250,
  /** Label names ≤ 256 characters (`ERROR_INVALID_LABEL_NAME_LENGTH`). */
  MAX_LABEL_NAME_LENGTH: 256,
  /** Images 64 to 4096 px on each side. */
  MIN_IMAGE_SIDE: 64,
  MAX_IMAGE_SIDE: 4096,
  /** Training resizes images so the long side is ≤ 1280 px; boxes must stay larger than 1×1 px. */
  TRAINING_LONG_SIDE: 1280,
  MIN_SCALED_BOX_SIDE: 1,
  /** ≤ 1000 test images per label. */
  MAX_TEST_IMAGES_PER_LABEL: 1000,
  /** ≤ 250,000 lines per manifest (and images per detection dataset). */
  MAX_MANIFEST_LINES: 250_000,
  /** Manifest files ≤ 1 GB, read as decimal: the stricter reading. */
  MAX_MANIFEST_BYTES: 1_000_000_000,
} as const;

/** Regions whose detection datasets hold fewer images: 28,000 train and 7,000 test (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html). */
const SMALL_DATASET_REGIONS: Readonly<Record<string, { train: number; test: number }>> = {
  'ap-south-1': { train: 28_000, test: 7_000 },
  'eu-west-2': { train: 28_000, test: 7_000 },
};

export interface DatasetLimits {
  /** Most lines (images) per manifest: the manifest limit, or the region's smaller dataset limit. */
  trainLines: number;
  testLines: number;
  manifestBytes: number;
  /** Where a smaller limit comes from, for the message. */
  region?: string;
}

/** Rekognition's limits on one train and one test manifest, in `region` when given. */
export const datasetLimits = (region?: string): DatasetLimits => {
  const small = region === undefined ? undefined : SMALL_DATASET_REGIONS[region];
  const { MAX_MANIFEST_LINES: lines, MAX_MANIFEST_BYTES: manifestBytes } = RekognitionLimits;
  return small === undefined
    ? { trainLines: lines, testLines: lines, manifestBytes }
    : { trainLines: small.train, testLines: small.test, manifestBytes, ...(region === undefined ? {} : { region }) };
};

/**
 * How far a box may overshoot the frame and still be clamped rather than rejected: workers'
 * drags and float noise leave a pixel or two outside the image, which is no labeling error.
 */
const CLAMP_TOLERANCE = { pixels: 2, fraction: 0.01 } as const;

export interface Frame {
  width: number;
  height: number;
}

/** A box in whole pixels, inside the frame. */
export interface PixelBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

const problem = (code: ManifestReason, message: string): LineProblem => ({ code, message });

/** Rekognition accepts images of 64–4096 px per side (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html). */
export const imageSizeProblem = (width: number, height: number): LineProblem | undefined => {
  const { MIN_IMAGE_SIDE: min, MAX_IMAGE_SIDE: max } = RekognitionLimits;
  if (
    Number.isFinite(width) &&
    Number.isFinite(height) &&
    width >= min &&
    height >= min &&
    width <= max &&
    height <= max
  ) {
    return undefined;
  }
  return problem(ManifestReason.ERROR_INVALID_IMAGE_DIMENSION, `image is ${width}×${height} px; allowed ${min}–${max}`);
};

/** Label names are 1–256 characters (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html). */
export const labelNameProblem = (name: string): LineProblem | undefined =>
  name.length >= 1 && name.length <= RekognitionLimits.MAX_LABEL_NAME_LENGTH
    ? undefined
    : problem(
        ManifestReason.ERROR_INVALID_LABEL_NAME_LENGTH,
        `label name has ${name.length} characters; allowed 1–${RekognitionLimits.MAX_LABEL_NAME_LENGTH}`,
      );

/**
 * True when the box is not larger than 1×1 px once the image is downscaled so its long side is
 * 1280 px, as Rekognition does in training (`ERROR_BOUNDING_BOX_TOO_SMALL`; https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html).
 */
export const isBoxTooSmall = (box: Pick<PixelBox, 'width' | 'height'>, frame: Frame): boolean => {
  const scale = Math.min(1, RekognitionLimits.TRAINING_LONG_SIDE / Math.max(frame.width, frame.height));
  return (
    box.width * scale <= RekognitionLimits.MIN_SCALED_BOX_SIDE ||
    box.height * scale <= RekognitionLimits.MIN_SCALED_BOX_SIDE
  );
};

const tolerance = (side: number): number => Math.max(CLAMP_TOLERANCE.pixels, side * CLAMP_TOLERANCE.fraction);

/**
 * Turns a Ground Truth box (floats, maybe a hair outside the frame) into whole pixels inside
 * the frame: edges are rounded, overshoots up to `CLAMP_TOLERANCE` are clamped, anything further
 * off-frame is `ERROR_INVALID_BOUNDING_BOX` and a box too small for training is
 * `ERROR_BOUNDING_BOX_TOO_SMALL` (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html).
 */
export const normalizeBox = (raw: PixelBox, frame: Frame): PixelBox | LineProblem => {
  const { left, top, width, height } = raw;
  const finite = Number.isFinite(left) && Number.isFinite(top) && Number.isFinite(width) && Number.isFinite(height);
  if (!finite || width <= 0 || height <= 0) {
    return problem(ManifestReason.ERROR_INVALID_BOUNDING_BOX, 'box has a non-positive or non-numeric size');
  }
  const tx = tolerance(frame.width);
  const ty = tolerance(frame.height);
  if (left < -tx || top < -ty || left + width > frame.width + tx || top + height > frame.height + ty) {
    return problem(
      ManifestReason.ERROR_INVALID_BOUNDING_BOX,
      `box [${left}, ${top}, ${width}×${height}] lies outside the ${frame.width}×${frame.height} frame`,
    );
  }
  const x0 = Math.max(0, Math.round(left));
  const y0 = Math.max(0, Math.round(top));
  const x1 = Math.min(frame.width, Math.round(left + width));
  const y1 = Math.min(frame.height, Math.round(top + height));
  const box = { left: x0, top: y0, width: x1 - x0, height: y1 - y0 };
  if (box.width <= 0 || box.height <= 0 || isBoxTooSmall(box, frame)) {
    return problem(
      ManifestReason.ERROR_BOUNDING_BOX_TOO_SMALL,
      `box is ${box.width}×${box.height} px, not larger than 1×1 px at training size`,
    );
  }
  return box;
};

/** A box that passed every per-box rule, still carrying its label by name. */
export interface CandidateBox extends PixelBox {
  index: number;
  label: string;
  confidence: number;
}

/** One box of a line, checked: class id in the class map, confidence present, geometry valid. */
export const checkBox = (
  rawBox: unknown,
  rawObject: unknown,
  context: { index: number; frame: Frame; classMap: Readonly<Record<string, unknown>> },
): CandidateBox | LineProblem => {
  const box = readAnnotation(rawBox);
  if (box === undefined) {
    return problem(
      ManifestReason.ERROR_INVALID_BOUNDING_BOX,
      'box lacks a numeric class_id, left, top, width or height',
    );
  }
  const confidence = readConfidence(rawObject);
  if (confidence === undefined) {
    return problem(ManifestReason.ERROR_MISSING_BOUNDING_BOX_CONFIDENCE, 'box has no numeric confidence in objects[]');
  }
  // A number indexes the same property as its string form, without making that string per box.
  const label = context.classMap[box.class_id];
  if (typeof label !== 'string') {
    return problem(ManifestReason.ERROR_MISSING_CLASS_MAP_ID, `class_id ${box.class_id} is not in the class-map`);
  }
  const nameProblem = labelNameProblem(label);
  if (nameProblem) return nameProblem;
  const pixels = normalizeBox(box, context.frame);
  if ('code' in pixels) return pixels;
  const { left, top, width, height } = pixels;
  return { left, top, width, height, index: context.index, label, confidence };
};
