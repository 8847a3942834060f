/**
 * Whether a job uses automated data labeling, and why. Auto-labeling trains a model on GPU
 * instances at the customer's cost, needs at least 1,250 objects (5,000 strongly suggested),
 * and fails on images above 3840×2160 (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-automated-labeling.html).
 */
export const AUTO_LABELING_MIN_OBJECTS = 1_250;
const AUTO_LABELING_SUGGESTED_OBJECTS = 5_000;
const AUTO_LABELING_MAX_WIDTH = 3_840;
const AUTO_LABELING_MAX_HEIGHT = 2_160;

export type AutoLabelingCode =
  | 'ENABLED'
  | 'NOT_REQUESTED'
  | 'BATCH_TOO_SMALL'
  | 'IMAGES_TOO_LARGE'
  | 'DIMENSIONS_UNKNOWN';

export interface AutoLabelingDecision {
  requested: boolean;
  enabled: boolean;
  code: AutoLabelingCode;
  reason: string;
  objects: number;
  minimumObjects: number;
  oversizeImages?: number;
}

export interface AutoLabelingFacts {
  requested: boolean;
  objects: number;
  /** Accepted images above 3840×2160; `undefined` when the dimensions could not be read. */
  oversizeImages?: number;
}

/**
 * Auto-labeling is on only when asked for, the batch holds ≥ 1,250 objects, and every image is
 * within 3840×2160; otherwise the job would fail, so it runs human-only and the decision says
 * why (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-automated-labeling.html). Unknown dimensions turn it off too: a failed job costs more than a
 * human-only one.
 */
export const decideAutoLabeling = ({ requested, objects, oversizeImages }: AutoLabelingFacts): AutoLabelingDecision => {
  const base = { requested, objects, minimumObjects: AUTO_LABELING_MIN_OBJECTS };
  if (!requested) {
    return { ...base, enabled: false, code: 'NOT_REQUESTED', reason: 'automated data labeling was not requested' };
  }
  if (objects < AUTO_LABELING_MIN_OBJECTS) {
    return {
      ...base,
      enabled: false,
      code: 'BATCH_TOO_SMALL',
      reason: `the batch has ${objects} objects; automated data labeling needs at least ${AUTO_LABELING_MIN_OBJECTS}`,
    };
  }
  if (oversizeImages === undefined) {
    return {
      ...base,
      enabled: false,
      code: 'DIMENSIONS_UNKNOWN',
      reason: 'image dimensions could not be read from the validation report, so the 3840x2160 limit is unchecked',
    };
  }
  if (oversizeImages > 0) {
    return {
      ...base,
      oversizeImages,
      enabled: false,
      code: 'IMAGES_TOO_LARGE',
      reason: `${oversizeImages} images exceed ${AUTO_LABELING_MAX_WIDTH}x${AUTO_LABELING_MAX_HEIGHT}, which fails an auto-labeling job`,
    };
  }
  const hint =
    objects < AUTO_LABELING_SUGGESTED_OBJECTS ? `; AWS suggests at least ${AUTO_LABELING_SUGGESTED_OBJECTS}` : '';
  return {
    ...base,
    oversizeImages,
    enabled: true,
    code: 'ENABLED',
    reason: `requested, and the batch has ${objects} objects within the size limit${hint}`,
  };
};

/**
 * True when an image is over the auto-labeling resolution. The limit is documented as
 * "3840 x 2160" without saying whether portrait images may swap the sides; we read it
 * literally, so a 2160×3840 portrait counts as too large and auto-labeling stays off.
 */
export const exceedsAutoLabelingResolution = (width: number, height: number): boolean =>
  width > AUTO_LABELING_MAX_WIDTH || height > AUTO_LABELING_MAX_HEIGHT;

export interface ImageDimensions {
  /** Whether validation accepted the image; rejected images are not in the job. */
  accepted: boolean;
  width: number | null;
  height: number | null;
}

/**
 * Counts the accepted images above the auto-labeling resolution (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-automated-labeling.html), or returns
 * `undefined` when an accepted image has no recorded dimensions, so the caller cannot be sure.
 */
export const countOversizeImages = (images: Iterable<ImageDimensions>): number | undefined => {
  let oversize = 0;
  for (const image of images) {
    if (!image.accepted) continue;
    if (image.width === null || image.height === null) return undefined;
    if (exceedsAutoLabelingResolution(image.width, image.height)) oversize += 1;
  }
  return oversize;
};
