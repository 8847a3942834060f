import { metadataKeyOf } from './layout';

/**
 * The one reader of Ground Truth bounding-box output lines
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html), read tolerantly: extra
 * keys pass, numbers may arrive as numeric strings, and each box is read on its own so one bad
 * box never costs the whole image. Conversion checks each part with the part readers; review,
 * labeler figures and the local runtime take the whole line with `readOutputLine`.
 * Hand-written readers rather than zod schemas: this runs for every line and box of manifests up
 * to 100,000 lines, and zod cost three times `JSON.parse` itself here (measured: 19 µs against
 * 6 µs per line), which alone broke the 50,000 lines/s goal.
 */

export interface GtImageSize {
  width: number;
  height: number;
  depth?: number;
}

/** `<attr>`: the image size (a one-element array) and the boxes. */
export interface GtLabelAttribute {
  image_size: GtImageSize[];
  annotations: unknown[];
}

/** One `annotations[]` entry: pixel coordinates from the top-left corner. */
export interface GtAnnotation {
  class_id: number;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** `<attr>-metadata`. Every field is optional here; the rules say which absence is fatal. */
export interface GtLabelMetadata {
  objects?: unknown[];
  'class-map'?: Record<string, unknown>;
  type?: string;
  'human-annotated'?: string;
  'creation-date'?: string;
  'job-name'?: string;
  'failure-reason'?: unknown;
}

type JsonObject = Record<string, unknown>;

const NUMERIC = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A finite number, or a string holding one (hand-edited manifests quote numbers). */
export const readNumber = (value: unknown): number | undefined => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return typeof value === 'string' && NUMERIC.test(value) ? Number(value) : undefined;
};

const readImageSize = (value: unknown): GtImageSize | undefined => {
  if (!isJsonObject(value)) return undefined;
  const width = readNumber(value.width);
  const height = readNumber(value.height);
  const depth = value.depth === undefined ? undefined : readNumber(value.depth);
  if (width === undefined || height === undefined) return undefined;
  return depth === undefined ? { width, height } : { width, height, depth };
};

/** Reads `<attr>`; `undefined` when `image_size` or `annotations` is missing or malformed. */
export const readLabelAttribute = (value: unknown): GtLabelAttribute | undefined => {
  if (!isJsonObject(value) || !Array.isArray(value.image_size) || !Array.isArray(value.annotations)) return undefined;
  const size = readImageSize(value.image_size[0]);
  return size === undefined ? undefined : { image_size: [size], annotations: value.annotations };
};

/** Reads one box; `undefined` when a coordinate or the class id is not numeric. */
export const readAnnotation = (value: unknown): GtAnnotation | undefined => {
  if (!isJsonObject(value)) return undefined;
  const class_id = readNumber(value.class_id);
  const left = readNumber(value.left);
  const top = readNumber(value.top);
  const width = readNumber(value.width);
  const height = readNumber(value.height);
  if (
    class_id === undefined ||
    left === undefined ||
    top === undefined ||
    width === undefined ||
    height === undefined
  ) {
    return undefined;
  }
  return { class_id, left, top, width, height };
};

/** Reads `objects[i].confidence`. */
export const readConfidence = (value: unknown): number | undefined =>
  isJsonObject(value) ? readNumber(value.confidence) : undefined;

const isString = (v: unknown): boolean => typeof v === 'string';

/** Listed once, not rebuilt per line: this check runs for every line. */
const FIELD_TYPES: readonly (readonly [string, (v: unknown) => boolean])[] = [
  ['objects', Array.isArray],
  ['class-map', isJsonObject],
  ['type', isString],
  ['human-annotated', isString],
  ['creation-date', isString],
  ['job-name', isString],
];

/** Reads `<attr>-metadata`; `undefined` when it is not an object or a known field has the wrong type. */
export const readLabelMetadata = (value: unknown): GtLabelMetadata | undefined => {
  if (!isJsonObject(value)) return undefined;
  for (const [field, check] of FIELD_TYPES) {
    const v = value[field];
    if (v !== undefined && !check(v)) return undefined;
  }
  return value as GtLabelMetadata;
};

/** One box of a line, named by the line's class map when it can be (`label` is absent otherwise). */
export interface OutputLineBox {
  classId: string;
  label?: string;
  left: number;
  top: number;
  width: number;
  height: number;
  confidence?: number;
}

/** A whole output line, for readers that show it rather than judge it. */
export interface OutputLineView {
  sourceRef: string;
  /** False for a failed object: no `<attribute>`, only its metadata (with `failure-reason`). */
  labeled: boolean;
  failureReason?: string;
  width: number;
  height: number;
  boxes: OutputLineBox[];
}

const objectOr = (value: unknown): JsonObject => (isJsonObject(value) ? value : {});
const arrayOr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const readBox = (raw: JsonObject, object: unknown, classMap: JsonObject): OutputLineBox => {
  const classId = String(readNumber(raw.class_id) ?? '');
  const label = classMap[classId];
  const confidence = readConfidence(object);
  return {
    classId,
    ...(typeof label === 'string' ? { label } : {}),
    left: readNumber(raw.left) ?? 0,
    top: readNumber(raw.top) ?? 0,
    width: readNumber(raw.width) ?? 0,
    height: readNumber(raw.height) ?? 0,
    ...(confidence === undefined ? {} : { confidence }),
  };
};

/**
 * Reads a parsed output line under `attribute` whatever its state: a missing part reads as
 * empty (a size of 0, no boxes), so a line the conversion rejects can still be shown.
 */
export const readOutputLine = (record: unknown, attribute: string): OutputLineView => {
  const line = objectOr(record);
  const sourceRef = typeof line['source-ref'] === 'string' ? line['source-ref'] : '';
  const metadata = objectOr(line[metadataKeyOf(attribute)]);
  const label = line[attribute];
  if (!isJsonObject(label)) {
    const reason = metadata['failure-reason'];
    return {
      sourceRef,
      labeled: false,
      ...(typeof reason === 'string' ? { failureReason: reason } : {}),
      width: 0,
      height: 0,
      boxes: [],
    };
  }
  const size = objectOr(arrayOr(label.image_size)[0]);
  const classMap = objectOr(metadata['class-map']);
  const objects = arrayOr(metadata.objects);
  const boxes = arrayOr(label.annotations).flatMap((raw, i) =>
    isJsonObject(raw) ? [readBox(raw, objects[i], classMap)] : [],
  );
  return { sourceRef, labeled: true, width: readNumber(size.width) ?? 0, height: readNumber(size.height) ?? 0, boxes };
};
