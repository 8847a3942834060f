import {
  imageSizeProblem,
  isBoxTooSmall,
  labelNameProblem,
  RekognitionLimits,
} from '../../functions/conversion/rules/rekognition-rules';
import { ManifestReason } from '../../functions/kernel/rules/reason-codes';
import { parseS3Uri } from '../../functions/kernel/rules/s3-uri';
import { OBJECT_DETECTION_TYPE } from '../../functions/labeling/contracts/labeling-output/layout';
import { isJsonObject } from '../../functions/labeling/contracts/labeling-output/read-output-line';

/** What importing a manifest into a Rekognition dataset would report. */
export interface ManifestValidation {
  /** Dataset objects: every line except blank ones at the very end. */
  entries: number;
  /** Lines with at least one valid box (or an image-level label). */
  labeled: number;
  /** Every line error and every box error; `line` 0 is the manifest as a whole. */
  invalid: { line: number; code: string; message: string }[];
  /** Distinct label names of the valid boxes, sorted. */
  labels: string[];
}

const CLASSIFICATION_TYPE = 'groundtruth/image-classification';

type Json = Record<string, unknown>;
interface Issue {
  code: string;
  message: string;
}
interface LineCheck {
  issues: Issue[];
  labels: string[];
}

const issue = (code: string, message: string): Issue => ({ code, message });
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks one box strictly: Rekognition clamps nothing (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html). */
const boxIssue = (box: unknown, classMap: Json, frame: { width: number; height: number }): Issue | string => {
  if (!isJsonObject(box)) return issue(ManifestReason.ERROR_INVALID_BOUNDING_BOX, 'annotation is not an object');
  const label = classMap[String(box.class_id)];
  if (typeof label !== 'string') {
    return issue(ManifestReason.ERROR_MISSING_CLASS_MAP_ID, `class_id ${String(box.class_id)} is not in the class-map`);
  }
  const nameProblem = labelNameProblem(label);
  if (nameProblem) return nameProblem;
  const { left, top, width, height } = box;
  if (!isNumber(left) || !isNumber(top) || !isNumber(width) || !isNumber(height)) {
    return issue(ManifestReason.ERROR_INVALID_BOUNDING_BOX, 'box coordinates must be numbers');
  }
  if (left < 0 || top < 0 || width <= 0 || height <= 0 || left + width > frame.width || top + height > frame.height) {
    return issue(ManifestReason.ERROR_INVALID_BOUNDING_BOX, 'the bounding box has off-frame or negative values');
  }
  if (isBoxTooSmall({ width, height }, frame)) {
    return issue(
      ManifestReason.ERROR_BOUNDING_BOX_TOO_SMALL,
      'the bounding box is not larger than 1×1 px at training size',
    );
  }
  return label;
};

/** Checks an object-detection attribute and its metadata (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/cd-manifest-files-object-detection.html). */
const checkDetection = (label: unknown, meta: Json): LineCheck => {
  const fail = (code: string, message: string): LineCheck => ({ issues: [issue(code, message)], labels: [] });
  const classMap = meta['class-map'];
  const objects = meta.objects;
  const human = meta['human-annotated'];
  if (
    !Array.isArray(objects) ||
    !isJsonObject(classMap) ||
    (human !== 'yes' && human !== 'no') ||
    typeof meta['creation-date'] !== 'string'
  ) {
    return fail(
      ManifestReason.ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT,
      'metadata needs objects, class-map, human-annotated and creation-date',
    );
  }
  const size = isJsonObject(label) && Array.isArray(label.image_size) ? label.image_size[0] : undefined;
  const annotations = isJsonObject(label) ? label.annotations : undefined;
  if (!isJsonObject(size) || !isNumber(size.width) || !isNumber(size.height) || !Array.isArray(annotations)) {
    return fail(
      ManifestReason.ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT,
      'label attribute needs image_size and annotations',
    );
  }
  const frame = { width: size.width, height: size.height };
  const dimension = imageSizeProblem(frame.width, frame.height);
  if (dimension) return fail(dimension.code, dimension.message);
  if (objects.length !== annotations.length || !objects.every((o) => isJsonObject(o) && isNumber(o.confidence))) {
    return fail(
      ManifestReason.ERROR_MISSING_BOUNDING_BOX_CONFIDENCE,
      'one or more bounding boxes has a missing confidence value',
    );
  }
  if (annotations.length > RekognitionLimits.MAX_BOXES_PER_IMAGE) {
    return fail(
      ManifestReason.ERROR_TOO_MANY_BOUNDING_BOXES,
      `${annotations.length} boxes; at most ${RekognitionLimits.MAX_BOXES_PER_IMAGE}`,
    );
  }
  const checked = annotations.map((box) => boxIssue(box, classMap, frame));
  const labels = checked.filter((c): c is string => typeof c === 'string');
  const issues = checked.filter((c): c is Issue => typeof c !== 'string');
  if (annotations.length > 0 && labels.length === 0) {
    issues.push(issue(ManifestReason.ERROR_NO_VALID_ANNOTATIONS, 'no valid annotations found'));
  }
  return { issues, labels };
};

/** Label attributes of a line: keys `X` with both `X` and `X-metadata`. */
const labelAttributes = (record: Json): string[] =>
  Object.keys(record).filter(
    (k) => k !== 'source-ref' && !k.endsWith('-metadata') && record[`${k}-metadata`] !== undefined,
  );

const checkAttributes = (record: Json): LineCheck => {
  const attributes = labelAttributes(record);
  if (attributes.length === 0) {
    return { issues: [issue(ManifestReason.ERROR_NO_LABEL_ATTRIBUTES, 'no label attributes found')], labels: [] };
  }
  const result: LineCheck = { issues: [], labels: [] };
  for (const attribute of attributes) {
    const meta = record[`${attribute}-metadata`];
    const type = isJsonObject(meta) ? meta.type : undefined;
    if (isJsonObject(meta) && type === OBJECT_DETECTION_TYPE) {
      const check = checkDetection(record[attribute], meta);
      result.issues.push(...check.issues);
      result.labels.push(...check.labels);
    } else if (isJsonObject(meta) && type === CLASSIFICATION_TYPE && typeof meta['class-name'] === 'string') {
      result.labels.push(meta['class-name']);
    } else {
      result.issues.push(
        issue(ManifestReason.ERROR_UNSUPPORTED_USE_CASE_TYPE, `unsupported type ${JSON.stringify(type)}`),
      );
    }
  }
  return result;
};

const checkLine = (text: string, state: { bucket?: string }): LineCheck => {
  const fail = (code: string, message: string): LineCheck => ({ issues: [issue(code, message)], labels: [] });
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return fail(ManifestReason.ERROR_INVALID_JSON_LINE, 'the JSON Line has an invalid format');
  }
  if (!isJsonObject(record)) return fail(ManifestReason.ERROR_INVALID_JSON_LINE, 'the JSON Line is not an object');
  const ref = record['source-ref'];
  if (typeof ref !== 'string') return fail(ManifestReason.ERROR_MISSING_SOURCE_REF, 'the source-ref key is missing');
  let bucket: string;
  try {
    bucket = parseS3Uri(ref).bucket;
  } catch {
    return fail(ManifestReason.ERROR_INVALID_SOURCE_REF_FORMAT, 'the format of the source-ref value is invalid');
  }
  state.bucket ??= bucket;
  if (bucket !== state.bucket) {
    return fail(
      ManifestReason.ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS,
      `image in ${bucket}; the manifest's images are in ${state.bucket}`,
    );
  }
  return checkAttributes(record);
};

/**
 * Applies Rekognition Custom Labels' import rules to an already converted manifest, the way
 * CreateDataset would (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html, validation rules):
 * JSON, source-ref, one bucket, label attribute formats, image size, confidences, ≤ 50 boxes,
 * boxes in frame and large enough, class ids in the class map, label names, ≤ 250 labels and
 * ≤ 250,000 lines. Unlike the converter it repairs nothing. Lines without boxes are valid but
 * not labeled (`WARNING_NO_ANNOTATIONS`).
 */
export const validateRekognitionManifest = (lines: Iterable<string>): ManifestValidation => {
  const state: { bucket?: string } = {};
  const invalid: ManifestValidation['invalid'] = [];
  const labels = new Set<string>();
  let entries = 0;
  let labeled = 0;
  let blanks: number[] = [];
  let lineNo = 0;
  for (const text of lines) {
    lineNo += 1;
    if (text.trim() === '') {
      blanks.push(lineNo);
      continue;
    }
    // Blank lines count as invalid dataset objects, except those at the very end.
    for (const blank of blanks)
      invalid.push({ line: blank, ...issue(ManifestReason.ERROR_INVALID_JSON_LINE, 'blank line') });
    entries += blanks.length + 1;
    blanks = [];
    const check = checkLine(text, state);
    for (const found of check.issues) invalid.push({ line: lineNo, ...found });
    if (check.labels.length > 0) labeled += 1;
    for (const label of check.labels) labels.add(label);
  }
  if (entries === 0)
    invalid.push({ line: 0, ...issue(ManifestReason.ERROR_EMPTY_MANIFEST, 'the manifest file is empty') });
  if (entries > RekognitionLimits.MAX_MANIFEST_LINES) {
    invalid.push({
      line: 0,
      ...issue(
        ManifestReason.ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM,
        `${entries} lines; at most ${RekognitionLimits.MAX_MANIFEST_LINES}`,
      ),
    });
  }
  if (labels.size > RekognitionLimits.MAX_LABELS) {
    invalid.push({
      line: 0,
      ...issue(
        ManifestReason.ERROR_MANIFEST_TOO_MANY_LABELS,
        `${labels.size} labels; at most ${RekognitionLimits.MAX_LABELS}`,
      ),
    });
  }
  return { entries, labeled, invalid, labels: [...labels].sort() };
};
