/**
 * Writes Ground Truth bounding-box output lines, as the job's `output.manifest` holds them
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html#sms-output-box): the
 * one writer behind the labeling simulator, the test fixtures and the benchmark's generator.
 */

/** One box; `class_id` and the coordinates may be any JSON value, so tests can write broken lines. */
export interface OutputBox {
  class_id: unknown;
  left: unknown;
  top: unknown;
  width: unknown;
  height: unknown;
  /** Goes to `<attribute>-metadata.objects[i].confidence` (0 when absent, as for human answers). */
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
  [`${line.attribute}-metadata`]: {
    objects: line.boxes.map((box) => ({ confidence: box.confidence ?? 0 })),
    'class-map': line.classMap,
    type: line.type ?? 'groundtruth/object-detection',
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
  jobName?: string;
}

/**
 * A failed object as Ground Truth leaves it: no `<attribute>` key, and `<attribute>-metadata`
 * holding `failure-reason` (the key AWS's own post-processing checks).
 */
export const failedOutputRecord = (line: FailedOutput): Record<string, unknown> => ({
  'source-ref': line.sourceRef,
  [`${line.attribute}-metadata`]: {
    ...(line.retryCount === undefined ? {} : { 'retry-count': line.retryCount }),
    'failure-reason': line.reason,
    ...(line.humanAnnotated === undefined ? {} : { 'human-annotated': line.humanAnnotated }),
    ...(line.jobName === undefined ? {} : { 'job-name': line.jobName }),
  },
});
