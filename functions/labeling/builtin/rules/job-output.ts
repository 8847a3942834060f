import type { LabeledBox } from '../../../kernel/rules/boxes';
import { type ConsolidatedBox, consolidateImage } from './consolidation';

/**
 * What finalization writes for one image, in Ground Truth's formats
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html): the
 * output-manifest line (consolidated boxes) and the worker-response file (every raw answer).
 */

export interface ImageAnswers {
  /** Zero-based index in the input manifest. */
  index: number;
  sourceRef: string;
  width: number;
  height: number;
  answers: readonly WorkerAnswer[];
}

export interface WorkerAnswer {
  sub: string;
  boxes: readonly LabeledBox[];
  claimedAt: string;
  submittedAt: string;
  durationMs?: number;
}

export interface JobOutputContext {
  jobName: string;
  labelAttributeName: string;
  labels: readonly string[];
  /** The issuer of the labelers' tokens, as Ground Truth's private-workforce `identityData`. */
  issuer: string;
  iouThreshold?: number;
}

/**
 * `%Y-%m-%dT%H:%M:%S.%f` (microseconds), the `creation-date` format of Ground Truth's output lines, as in
 * https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html ("2018-10-18T22:18:13.527256").
 */
export const creationDate = (at: Date): string => `${at.toISOString().slice(0, 23)}000`;

/** The output line for an image nobody labeled: the input line plus a `failure-reason`, as Ground Truth writes it. */
const unlabeledLine = (image: ImageAnswers, ctx: JobOutputContext, at: Date): string =>
  JSON.stringify({
    'source-ref': image.sourceRef,
    [`${ctx.labelAttributeName}-metadata`]: {
      'failure-reason': 'ClientError: no labeler answered this image before the job ended',
      'human-annotated': 'yes',
      'creation-date': creationDate(at),
      'job-name': `labeling-job/${ctx.jobName}`,
    },
  });

export interface OutputLine {
  line: string;
  boxes: ConsolidatedBox[];
  labeled: boolean;
}

/** One output.manifest line (no newline) and the boxes it holds. */
export const outputLine = (image: ImageAnswers, ctx: JobOutputContext, at: Date): OutputLine => {
  if (image.answers.length === 0) return { line: unlabeledLine(image, ctx, at), boxes: [], labeled: false };
  const boxes = consolidateImage(
    image.answers.map((a) => ({ worker: a.sub, boxes: a.boxes })),
    { width: image.width, height: image.height, iouThreshold: ctx.iouThreshold },
  );
  const classId = (label: string): number => {
    const id = ctx.labels.indexOf(label);
    return id >= 0 ? id : ctx.labels.length;
  };
  const classMap = Object.fromEntries(boxes.map((b) => [String(classId(b.label)), b.label]));
  const line = JSON.stringify({
    'source-ref': image.sourceRef,
    [ctx.labelAttributeName]: {
      image_size: [{ width: image.width, height: image.height, depth: 3 }],
      annotations: boxes.map((b) => ({
        class_id: classId(b.label),
        left: b.left,
        top: b.top,
        width: b.width,
        height: b.height,
      })),
    },
    [`${ctx.labelAttributeName}-metadata`]: {
      objects: boxes.map((b) => ({ confidence: b.confidence })),
      'class-map': classMap,
      type: 'groundtruth/object-detection',
      'human-annotated': 'yes',
      'creation-date': creationDate(at),
      'job-name': `labeling-job/${ctx.jobName}`,
    },
  });
  return { line, boxes, labeled: true };
};

/** The worker-response file's key under the job's output prefix: `annotations/worker-response/iteration-1/<index>/<timestamp>.json`. */
export const workerResponseKey = (jobOutputPrefix: string, index: number, at: Date): string =>
  `${jobOutputPrefix}annotations/worker-response/iteration-1/${index}/${at.toISOString().replace(/[:.]/g, '-')}.json`;

/** The worker-response document: each labeler's raw answer, in the bounding-box task's answer format. */
export const workerResponse = (image: ImageAnswers, ctx: JobOutputContext) => ({
  answers: image.answers.map((a) => ({
    acceptanceTime: a.claimedAt,
    submissionTime: a.submittedAt,
    timeSpentInSeconds: (a.durationMs ?? Date.parse(a.submittedAt) - Date.parse(a.claimedAt)) / 1000,
    workerId: a.sub,
    workerMetadata: { identityData: { identityProviderType: 'Cognito', issuer: ctx.issuer, sub: a.sub } },
    answerContent: {
      boundingBox: {
        boundingBoxes: a.boxes.map((b) => ({
          label: b.label,
          left: b.left,
          top: b.top,
          width: b.width,
          height: b.height,
        })),
        inputImageProperties: { width: image.width, height: image.height },
      },
    },
  })),
});
