import { ManifestReason } from '../../kernel/rules/reason-codes';
import {
  attributeOfMetadataKey,
  metadataKeyOf,
  OBJECT_DETECTION_TYPE,
} from '../../labeling/contracts/labeling-output/layout';
import {
  type GtLabelAttribute,
  type GtLabelMetadata,
  isJsonObject,
  readLabelAttribute,
  readLabelMetadata,
} from '../../labeling/contracts/labeling-output/read-output-line';
import type { ManifestRecord } from './line-reader';

/** The only use-case type Rekognition imports for boxes (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/cd-manifest-files-object-detection.html). */
export { OBJECT_DETECTION_TYPE };

/** A Ground Truth output line whose structure is sound; boxes are still unchecked. */
export interface ParsedOutputLine {
  sourceRef: string;
  bucket: string;
  attribute: string;
  width: number;
  height: number;
  depth: number;
  annotations: readonly unknown[];
  objects: readonly unknown[];
  classMap: Readonly<Record<string, unknown>>;
  humanAnnotated: 'yes' | 'no';
  creationDate: string;
  jobName?: string;
}

/** Why a line (or one of its boxes) cannot go into the dataset. */
export interface LineProblem {
  code: ManifestReason;
  message: string;
}

/**
 * Which dataset a record would belong to, whatever its fate: its bounding-box label attribute
 * (the given one when the record has it, else the first it has) and its image's bucket. The
 * conversion decides both for the whole file from these (the majority), not from the first line.
 */
export interface LineIdentity {
  attribute?: string;
  bucket?: string;
}

type LabelledOutcome =
  | { ok: true; line: ParsedOutputLine }
  | { ok: false; problem: LineProblem; sourceRef?: string; attribute?: string };

export type ParseOutcome = LabelledOutcome & { identity?: LineIdentity };

type JsonObject = Record<string, unknown>;

const isObject = isJsonObject;

let lastAttribute = '';
let lastMetadataKey = metadataKeyOf('');

/** `<attr>-metadata` of the record. The key is built once per attribute, not per line: a fresh string would be hashed again for every lookup. */
const metadataOf = (record: JsonObject, attribute: string): unknown => {
  if (attribute !== lastAttribute) {
    lastAttribute = attribute;
    lastMetadataKey = metadataKeyOf(attribute);
  }
  return record[lastMetadataKey];
};

/**
 * Finds the bounding-box label attribute of a line: the key `X` whose `X-metadata` has type
 * `groundtruth/object-detection`. Chained jobs leave several attributes in a line; the first
 * bounding-box one wins.
 */
export const detectLabelAttribute = (record: JsonObject): string | undefined => {
  for (const key of Object.keys(record)) {
    const attribute = attributeOfMetadataKey(key);
    if (attribute === undefined) continue;
    const meta = record[key];
    if (isObject(meta) && meta.type === OBJECT_DETECTION_TYPE) return attribute;
  }
  return undefined;
};

const isBoxAttribute = (record: JsonObject, attribute: string): boolean => {
  const meta = metadataOf(record, attribute);
  return isObject(meta) && meta.type === OBJECT_DETECTION_TYPE;
};

/** Without a known attribute: a failed object, an unsupported job type, or an unlabeled object. */
const explainMissingAttribute = (record: JsonObject): LineProblem => {
  for (const key of Object.keys(record)) {
    const meta = record[key];
    const attribute = attributeOfMetadataKey(key);
    if (attribute === undefined || !isObject(meta)) continue;
    if (meta['failure-reason'] !== undefined) return labelingFailed(meta['failure-reason']);
    if (typeof meta.type === 'string') {
      return {
        code: ManifestReason.ERROR_UNSUPPORTED_USE_CASE_TYPE,
        message: `label attribute ${attribute} has type ${meta.type}, not ${OBJECT_DETECTION_TYPE}`,
      };
    }
  }
  return { code: ManifestReason.LABELING_FAILED, message: 'the object was not labeled (no label attribute)' };
};

const labelingFailed = (reason: unknown): LineProblem => ({
  code: ManifestReason.LABELING_FAILED,
  message: `labeling failed: ${typeof reason === 'string' ? reason : JSON.stringify(reason)}`,
});

const S3_SCHEME = 's3://';

/**
 * The bucket of `s3://bucket/key` with a non-empty key, else `undefined`: what `parseS3Uri`
 * accepts, read without its regex and match array, as this runs for every line.
 */
const bucketOfSourceRef = (sourceRef: string): string | undefined => {
  if (!sourceRef.startsWith(S3_SCHEME)) return undefined;
  const slash = sourceRef.indexOf('/', S3_SCHEME.length);
  return slash > S3_SCHEME.length && slash < sourceRef.length - 1
    ? sourceRef.slice(S3_SCHEME.length, slash)
    : undefined;
};

const readSourceRef = (record: JsonObject): { sourceRef: string; bucket: string } | LineProblem => {
  const sourceRef = record['source-ref'];
  if (typeof sourceRef !== 'string' || sourceRef === '') {
    return { code: ManifestReason.ERROR_MISSING_SOURCE_REF, message: 'the line has no source-ref' };
  }
  const bucket = bucketOfSourceRef(sourceRef);
  if (bucket === undefined) {
    return {
      code: ManifestReason.ERROR_INVALID_SOURCE_REF_FORMAT,
      message: 'source-ref is not an s3://bucket/key URI',
    };
  }
  return { sourceRef, bucket };
};

/** Checks the metadata that every kept line needs; returns the problem or the parsed metadata. */
const readMetadata = (raw: unknown, attribute: string): GtLabelMetadata | LineProblem => {
  const meta = readLabelMetadata(raw);
  if (meta === undefined) {
    return {
      code: ManifestReason.ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT,
      message: `${attribute}-metadata is not an object of the Ground Truth shape`,
    };
  }
  if (meta['failure-reason'] !== undefined) return labelingFailed(meta['failure-reason']);
  if (meta.type !== OBJECT_DETECTION_TYPE) {
    return {
      code: ManifestReason.ERROR_UNSUPPORTED_USE_CASE_TYPE,
      message: `type is ${JSON.stringify(meta.type)}, expected ${OBJECT_DETECTION_TYPE}`,
    };
  }
  const human = meta['human-annotated'];
  const complete = meta.objects !== undefined && meta['class-map'] !== undefined && meta['creation-date'] !== undefined;
  if (complete && (human === 'yes' || human === 'no')) return meta;
  const missing = REQUIRED_METADATA.filter((k) => meta[k] === undefined);
  return {
    code: ManifestReason.ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT,
    message:
      missing.length > 0 ? `${attribute}-metadata lacks ${missing.join(', ')}` : 'human-annotated is not "yes" or "no"',
  };
};

const REQUIRED_METADATA = ['objects', 'class-map', 'human-annotated', 'creation-date'] as const;

const isProblem = (value: object): value is LineProblem => 'code' in value && 'message' in value;

/**
 * Parses one output-manifest record into its parts, or says why the whole line is unusable:
 * broken JSON, no source-ref, a failed or missing label (`failure-reason`; https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html), a
 * non-bounding-box type, or a malformed label attribute. `attribute` is the label attribute
 * name; when undefined it is detected from the line (see `detectLabelAttribute`).
 */
export const parseOutputRecord = (
  input: Pick<ManifestRecord, 'text' | 'value'>,
  attribute: string | undefined,
): ParseOutcome => {
  let record = input.value;
  if (record === undefined) {
    try {
      record = JSON.parse(input.text);
    } catch {
      return {
        ok: false,
        problem: { code: ManifestReason.ERROR_INVALID_JSON_LINE, message: 'the line is not valid JSON' },
      };
    }
  }
  if (!isObject(record)) {
    return {
      ok: false,
      problem: { code: ManifestReason.ERROR_INVALID_JSON_LINE, message: 'the line is not a JSON object' },
    };
  }
  const ref = readSourceRef(record);
  const sourceRef = typeof record['source-ref'] === 'string' ? record['source-ref'] : undefined;
  const detected =
    attribute !== undefined && isBoxAttribute(record, attribute) ? attribute : detectLabelAttribute(record);
  if (isProblem(ref)) return { ok: false, problem: ref, sourceRef, identity: { attribute: detected } };
  const identity = { attribute: detected, bucket: ref.bucket };
  const name = attribute ?? detected;
  if (name === undefined) return { ok: false, problem: explainMissingAttribute(record), sourceRef, identity };
  const parsed: ParseOutcome = parseLabelled(record, name, ref, detected);
  parsed.identity = identity;
  return parsed;
};

/** Why a line has no `<attr>-metadata`: labeled under another attribute, not labeled, or half a label. */
const missingMetadata = (hasLabel: boolean, attribute: string, detected: string | undefined): LineProblem => {
  if (detected !== undefined && detected !== attribute) {
    return {
      code: ManifestReason.LABEL_ATTRIBUTE_MISMATCH,
      message: `the line is labeled under ${JSON.stringify(detected)}; the dataset uses ${JSON.stringify(attribute)} (one label attribute per dataset)`,
    };
  }
  return hasLabel
    ? {
        code: ManifestReason.ERROR_NO_LABEL_ATTRIBUTES,
        message: `the line has ${attribute} but no ${attribute}-metadata`,
      }
    : { code: ManifestReason.LABELING_FAILED, message: `the object was not labeled (no ${attribute}-metadata)` };
};

const lineOf = (
  ref: { sourceRef: string; bucket: string },
  attribute: string,
  label: GtLabelAttribute,
  meta: GtLabelMetadata,
): ParsedOutputLine => {
  const size = label.image_size[0];
  const line: ParsedOutputLine = {
    sourceRef: ref.sourceRef,
    bucket: ref.bucket,
    attribute,
    width: size?.width ?? 0,
    height: size?.height ?? 0,
    depth: size?.depth ?? 3,
    annotations: label.annotations,
    objects: meta.objects ?? [],
    classMap: meta['class-map'] ?? {},
    humanAnnotated: meta['human-annotated'] === 'no' ? 'no' : 'yes',
    creationDate: meta['creation-date'] ?? '',
  };
  if (meta['job-name'] !== undefined) line.jobName = meta['job-name'];
  return line;
};

const parseLabelled = (
  record: JsonObject,
  attribute: string,
  ref: { sourceRef: string; bucket: string },
  detected: string | undefined,
): LabelledOutcome => {
  const fail = (problem: LineProblem): LabelledOutcome => ({ ok: false, problem, sourceRef: ref.sourceRef, attribute });
  const rawMeta = metadataOf(record, attribute);
  const rawLabel = record[attribute];
  if (rawMeta === undefined) return fail(missingMetadata(rawLabel !== undefined, attribute, detected));
  const meta = readMetadata(rawMeta, attribute);
  if (isProblem(meta)) return fail(meta);
  if (rawLabel === undefined) {
    return fail({ code: ManifestReason.LABELING_FAILED, message: `the object was not labeled (no ${attribute})` });
  }
  const label = readLabelAttribute(rawLabel);
  if (label === undefined) {
    return fail({
      code: ManifestReason.ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT,
      message: `${attribute} needs image_size [{width, height}] and annotations []`,
    });
  }
  return { ok: true, line: lineOf(ref, attribute, label, meta) };
};
