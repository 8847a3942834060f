import { boxAgreement, DEFAULT_IOU_THRESHOLD, type LabeledBox } from '../../kernel/rules/boxes';
import { readOutputLine } from '../../labeling/contracts/labeling-output/read-output-line';
import { readWorkerResponse } from '../../labeling/contracts/labeling-output/worker-answers';
import type { LabelerFigures } from '../contracts/dataset-report';

/** One labeler's answer to one image, as the job's worker responses record it. */
export interface WorkerAnswerView {
  worker: string;
  /** Known when the backend recorded it (the built-in one does); the report then names the labeler by it. */
  email?: string;
  seconds: number;
  boxes: LabeledBox[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(value * 10) / 10;
};

/**
 * Tallies each labeler's images, seconds and agreement with the consolidated boxes, image by
 * image; memory holds one duration and one score per answer (300,000 numbers for 100,000 x 3).
 */
export const createLabelerTally = (threshold = DEFAULT_IOU_THRESHOLD) => {
  const byWorker = new Map<string, { seconds: number[]; agreement: number; email?: string }>();
  return {
    add(consolidated: readonly LabeledBox[], answers: readonly WorkerAnswerView[]): void {
      for (const answer of answers) {
        const tally = byWorker.get(answer.worker) ?? { seconds: [], agreement: 0 };
        tally.seconds.push(answer.seconds);
        tally.agreement += boxAgreement(answer.boxes, consolidated, threshold);
        if (answer.email !== undefined) tally.email = answer.email;
        byWorker.set(answer.worker, tally);
      }
    },
    result(): LabelerFigures[] {
      return [...byWorker.entries()]
        .map(([worker, t]) => ({
          worker,
          ...(t.email === undefined ? {} : { email: t.email }),
          images: t.seconds.length,
          medianSeconds: median(t.seconds),
          agreement: Math.round((t.agreement / t.seconds.length) * 1000) / 1000,
        }))
        .sort((a, b) => b.images - a.images || a.worker.localeCompare(b.worker));
    },
  };
};

/** The answers of one worker response, read by the labeling output's one reader. */
export const workerAnswersOf = (document: unknown): WorkerAnswerView[] =>
  readWorkerResponse(document).map(({ worker, email, seconds, boxes }) => ({
    worker,
    ...(email === undefined ? {} : { email }),
    seconds,
    boxes,
  }));

/** The consolidated boxes of an output-manifest line, with names from its class map (unnamed ones are left out). */
export const consolidatedBoxesOf = (record: unknown, attribute: string): LabeledBox[] =>
  readOutputLine(record, attribute).boxes.flatMap(({ label, left, top, width, height }) =>
    label === undefined ? [] : [{ label, left, top, width, height }],
  );
