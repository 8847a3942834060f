/**
 * Stable reason codes for rejected images and dropped manifest lines or boxes. Image codes are
 * ours; manifest codes reuse Rekognition's own error names where one exists (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html), so a
 * report reads the same as Rekognition's import errors would.
 */
export const ImageReason = {
  UNSUPPORTED_FORMAT: 'UNSUPPORTED_FORMAT',
  CORRUPT_IMAGE: 'CORRUPT_IMAGE',
  /** The file ends early: no JPEG end-of-image marker or PNG IEND chunk, or it ends inside the header. */
  TRUNCATED_IMAGE: 'TRUNCATED_IMAGE',
  TOO_SMALL: 'TOO_SMALL',
  TOO_LARGE: 'TOO_LARGE',
  FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  ASPECT_RATIO: 'ASPECT_RATIO',
  EMPTY_FILE: 'EMPTY_FILE',
  DUPLICATE: 'DUPLICATE',
  /** The child batch that held the object failed within the map's tolerated failures: the object was not read. */
  NOT_CHECKED: 'NOT_CHECKED',
  /**
   * Not rejected but skipped: an example image of the labelers' instructions (named in batch.json's
   * `examples`, or under the batch's `examples/` folder); it is shown to labelers, never labeled.
   */
  EXAMPLE_IMAGE: 'EXAMPLE_IMAGE',
} as const;
export type ImageReason = (typeof ImageReason)[keyof typeof ImageReason];

export const ManifestReason = {
  ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS: 'ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS',
  ERROR_INVALID_BOUNDING_BOX: 'ERROR_INVALID_BOUNDING_BOX',
  ERROR_BOUNDING_BOX_TOO_SMALL: 'ERROR_BOUNDING_BOX_TOO_SMALL',
  ERROR_MISSING_CLASS_MAP_ID: 'ERROR_MISSING_CLASS_MAP_ID',
  ERROR_MISSING_BOUNDING_BOX_CONFIDENCE: 'ERROR_MISSING_BOUNDING_BOX_CONFIDENCE',
  ERROR_NO_LABEL_ATTRIBUTES: 'ERROR_NO_LABEL_ATTRIBUTES',
  ERROR_UNSUPPORTED_USE_CASE_TYPE: 'ERROR_UNSUPPORTED_USE_CASE_TYPE',
  ERROR_INVALID_LABEL_NAME_LENGTH: 'ERROR_INVALID_LABEL_NAME_LENGTH',
  ERROR_TOO_MANY_BOUNDING_BOXES: 'ERROR_TOO_MANY_BOUNDING_BOXES',
  ERROR_TOO_MANY_LABELS: 'ERROR_TOO_MANY_LABELS',
  ERROR_INVALID_IMAGE_DIMENSION: 'ERROR_INVALID_IMAGE_DIMENSION',
  ERROR_INVALID_JSON_LINE: 'ERROR_INVALID_JSON_LINE',
  ERROR_MISSING_SOURCE_REF: 'ERROR_MISSING_SOURCE_REF',
  ERROR_INVALID_SOURCE_REF_FORMAT: 'ERROR_INVALID_SOURCE_REF_FORMAT',
  ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT: 'ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT',
  ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT: 'ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT',
  ERROR_NO_VALID_ANNOTATIONS: 'ERROR_NO_VALID_ANNOTATIONS',
  ERROR_MANIFEST_TOO_MANY_LABELS: 'ERROR_MANIFEST_TOO_MANY_LABELS',
  ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM: 'ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM',
  ERROR_EMPTY_MANIFEST: 'ERROR_EMPTY_MANIFEST',
  /** A train or test manifest would be larger than Rekognition imports (1 GB). */
  ERROR_MANIFEST_SIZE_TOO_LARGE: 'ERROR_MANIFEST_SIZE_TOO_LARGE',
  /** Rekognition's warning: a line with no boxes is valid but unused, so we leave it out. */
  WARNING_NO_ANNOTATIONS: 'WARNING_NO_ANNOTATIONS',
  /** A second line for an image already in the dataset; the first one is kept. */
  DUPLICATE_IMAGE: 'DUPLICATE_IMAGE',
  LABELING_FAILED: 'LABELING_FAILED',
  MALFORMED_LINE: 'MALFORMED_LINE',
  LOW_CONFIDENCE: 'LOW_CONFIDENCE',
  /** The line is labeled under another label attribute than the dataset's (the majority's, or the one given). */
  LABEL_ATTRIBUTE_MISMATCH: 'LABEL_ATTRIBUTE_MISMATCH',
} as const;
export type ManifestReason = (typeof ManifestReason)[keyof typeof ManifestReason];
