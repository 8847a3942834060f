import type { LabeledBox } from '../../../kernel/rules/boxes';
import { isJsonObject, readNumber } from './read-output-line';

/**
 * The worker response of one image, in the bounding-box task's answer format
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html): each labeler's raw
 * answer. One writer (the built-in backend's finalization) and one tolerant reader (review and
 * the dataset report's labeler figures), since Ground Truth's own documents pass through it too.
 */

export interface RawAnswer {
  /** The labeler's Cognito sub. */
  sub: string;
  /** The labeler's e-mail, when the backend knows it (the built-in one does; Ground Truth does not write it). */
  email?: string;
  boxes: readonly LabeledBox[];
  claimedAt: string;
  submittedAt: string;
  durationMs?: number;
}

export interface RawAnswers {
  width: number;
  height: number;
  answers: readonly RawAnswer[];
}

const identityData = (a: RawAnswer, issuer: string) => ({
  identityProviderType: 'Cognito',
  issuer,
  sub: a.sub,
  ...(a.email === undefined || a.email === '' ? {} : { email: a.email }),
});

/** The document finalization writes; `issuer` is the labelers' token issuer, as in a private workforce's `identityData`. */
export const workerResponseDocument = (image: RawAnswers, issuer: string) => ({
  answers: image.answers.map((a) => ({
    acceptanceTime: a.claimedAt,
    submissionTime: a.submittedAt,
    timeSpentInSeconds: (a.durationMs ?? Date.parse(a.submittedAt) - Date.parse(a.claimedAt)) / 1000,
    workerId: a.sub,
    workerMetadata: { identityData: identityData(a, issuer) },
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

/** One labeler's answer as read back. Boxes without a label name or a numeric coordinate are left out. */
export interface WorkerAnswerRead {
  worker: string;
  email?: string;
  submittedAt: string;
  seconds: number;
  boxes: LabeledBox[];
}

const readBox = (raw: unknown): LabeledBox | undefined => {
  if (!isJsonObject(raw) || typeof raw.label !== 'string') return undefined;
  const [left, top, width, height] = [raw.left, raw.top, raw.width, raw.height].map(readNumber);
  if (left === undefined || top === undefined || width === undefined || height === undefined) return undefined;
  return { label: raw.label, left, top, width, height };
};

const field = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((at, key) => (isJsonObject(at) ? at[key] : undefined), value);

const readAnswer = (a: unknown): WorkerAnswerRead | undefined => {
  const worker = field(a, 'workerId') ?? field(a, 'workerMetadata', 'identityData', 'sub');
  if (typeof worker !== 'string') return undefined;
  const email = field(a, 'workerMetadata', 'identityData', 'email');
  const submitted = field(a, 'submissionTime');
  const raw = field(a, 'answerContent', 'boundingBox', 'boundingBoxes');
  return {
    worker,
    ...(typeof email === 'string' && email !== '' ? { email } : {}),
    submittedAt: typeof submitted === 'string' ? submitted : '',
    seconds: readNumber(field(a, 'timeSpentInSeconds')) ?? 0,
    boxes: (Array.isArray(raw) ? raw : []).flatMap((b) => readBox(b) ?? []),
  };
};

/** Each labeler's answer in a worker response; nothing for a document of another shape. */
export const readWorkerResponse = (document: unknown): WorkerAnswerRead[] => {
  const answers = field(document, 'answers');
  return Array.isArray(answers) ? answers.flatMap((a) => readAnswer(a) ?? []) : [];
};
