import { outputJobName } from '../../contracts/labeling-output/layout';
import { type RawAnswer, workerResponseDocument } from '../../contracts/labeling-output/worker-answers';
import { failedOutputRecord, labeledOutputRecord } from '../../contracts/labeling-output/write-output-line';
import { type ConsolidatedBox, consolidateImage } from './consolidation';

/**
 * What finalization writes for one image, in Ground Truth's formats
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html), through the labeling
 * output's one writer: the output-manifest line (consolidated boxes) and the worker response
 * (every raw answer).
 */

export interface ImageAnswers {
  /** Zero-based index in the input manifest. */
  index: number;
  sourceRef: string;
  width: number;
  height: number;
  answers: readonly WorkerAnswer[];
}

/** One labeler's answer as the worker responses record it (the labeling output's own shape). */
export type WorkerAnswer = RawAnswer;

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
  JSON.stringify(
    failedOutputRecord({
      sourceRef: image.sourceRef,
      attribute: ctx.labelAttributeName,
      reason: 'ClientError: no labeler answered this image before the job ended',
      humanAnnotated: 'yes',
      creationDate: creationDate(at),
      jobName: outputJobName(ctx.jobName),
    }),
  );

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
  const line = JSON.stringify(
    labeledOutputRecord({
      sourceRef: image.sourceRef,
      attribute: ctx.labelAttributeName,
      width: image.width,
      height: image.height,
      boxes: boxes.map((b) => ({
        class_id: classId(b.label),
        left: b.left,
        top: b.top,
        width: b.width,
        height: b.height,
        confidence: b.confidence,
      })),
      classMap: Object.fromEntries(boxes.map((b) => [String(classId(b.label)), b.label])),
      humanAnnotated: 'yes',
      creationDate: creationDate(at),
      jobName: outputJobName(ctx.jobName),
    }),
  );
  return { line, boxes, labeled: true };
};

/** The worker response of an image: each labeler's raw answer. */
export const workerResponse = (image: ImageAnswers, ctx: JobOutputContext) => workerResponseDocument(image, ctx.issuer);
