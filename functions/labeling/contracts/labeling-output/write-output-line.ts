import { metadataKeyOf, OBJECT_DETECTION_TYPE } from './layout';

/**
 * The one writer of Ground Truth bounding-box output lines, as a job's output manifest holds them
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html#sms-output-box): the
 * built-in backend's finalization, the local Ground Truth simulator, the test fixtures and the
 * benchmark's generator all write through it, so their lines share one key order.
 */

/** One box; `class_id` and the coordinates may be any JSON value, so tests can write broken lines. */
export interface OutputBox {
  class_id: unknown;
  left: unknown;
  top: unknown;
  width: unknown;
  height: unknown;
  /** Goes to `<attribute>-metadata.objects[i].confidence` (0 when absent, as for one human answer). */
  confidence?: number;
}

export interface LabeledOutput {
  sourceRef: string;
  attribute: string;
  width: number;
  height: number;
  boxes: readonly OutputBox[];
  /** Sparse, like Ground Truth's: the ids that occur on this line. */
  classMap: Record<string, string>;
  /** `yes` or `no`; any other value only in tests of broken lines. */
  humanAnnotated: string;
  jobName: string;
  creationDate: string;
  type?: string;
}

/** A labeled object: `<attribute>` with the image size and boxes, `<attribute>-metadata` with the rest. */
export const labeledOutputRecord = (line: LabeledOutput): Record<string, unknown> => ({
  'source-ref': line.sourceRef,
  [line.attribute]: {
    image_size: [{ width: line.width, height: line.height, depth: 3 }],
    annotations: line.boxes.map(({ confidence: _confidence, ...box }) => box),
  },
  [metadataKeyOf(line.attribute)]: {
    objects: line.boxes.map((box) => ({ confidence: box.confidence ?? 0 })),
    'class-map': line.classMap,
    type: line.type ?? OBJECT_DETECTION_TYPE,
    'human-annotated': line.humanAnnotated,
    'creation-date': line.creationDate,
    'job-name': line.jobName,
  },
});

export interface FailedOutput {
  sourceRef: string;
  attribute: string;
  reason: string;
  retryCount?: number;
  humanAnnotated?: string;
  creationDate?: string;
  jobName?: string;
}

const optional = (key: string, value: unknown): Record<string, unknown> =>
  value === undefined ? {} : { [key]: value };

/**
 * A failed object as Ground Truth leaves it: no `<attribute>` key, and `<attribute>-metadata`
 * holding `failure-reason` (the key AWS's own post-processing checks).
 */
export const failedOutputRecord = (line: FailedOutput): Record<string, unknown> => ({
  'source-ref': line.sourceRef,
  [metadataKeyOf(line.attribute)]: {
    ...optional('retry-count', line.retryCount),
    'failure-reason': line.reason,
    ...optional('human-annotated', line.humanAnnotated),
    ...optional('creation-date', line.creationDate),
    ...optional('job-name', line.jobName),
  },
});
