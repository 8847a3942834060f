import { boxAgreement, DEFAULT_IOU_THRESHOLD, type LabeledBox } from '../../kernel/rules/boxes';
import type { LabelerFigures } from '../contracts/dataset-report';

/** One labeler's answer to one image, as the worker-response file records it. */
export interface WorkerAnswerView {
  worker: string;
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
  const byWorker = new Map<string, { seconds: number[]; agreement: number }>();
  return {
    add(consolidated: readonly LabeledBox[], answers: readonly WorkerAnswerView[]): void {
      for (const answer of answers) {
        const tally = byWorker.get(answer.worker) ?? { seconds: [], agreement: 0 };
        tally.seconds.push(answer.seconds);
        tally.agreement += boxAgreement(answer.boxes, consolidated, threshold);
        byWorker.set(answer.worker, tally);
      }
    },
    result(): LabelerFigures[] {
      return [...byWorker.entries()]
        .map(([worker, t]) => ({
          worker,
          images: t.seconds.length,
          medianSeconds: median(t.seconds),
          agreement: Math.round((t.agreement / t.seconds.length) * 1000) / 1000,
        }))
        .sort((a, b) => b.images - a.images || a.worker.localeCompare(b.worker));
    },
  };
};

/** The boxes of one worker-response answer (the bounding-box task's format), read tolerantly. */
export const workerAnswersOf = (document: unknown): WorkerAnswerView[] => {
  const answers = (document as { answers?: unknown })?.answers;
  if (!Array.isArray(answers)) return [];
  return answers.flatMap((a) => {
    const worker = a?.workerId ?? a?.workerMetadata?.identityData?.sub;
    if (typeof worker !== 'string') return [];
    const raw = a?.answerContent?.boundingBox?.boundingBoxes;
    const boxes = (Array.isArray(raw) ? raw : []).filter(
      (b): b is LabeledBox =>
        typeof b?.label === 'string' && [b.left, b.top, b.width, b.height].every((n) => typeof n === 'number'),
    );
    const seconds = typeof a?.timeSpentInSeconds === 'number' ? a.timeSpentInSeconds : 0;
    return [{ worker, seconds, boxes }];
  });
};

/** The consolidated boxes of an output-manifest line, with names from its class-map. */
export const consolidatedBoxesOf = (record: unknown, attribute: string): LabeledBox[] => {
  const r = record as Record<string, { annotations?: unknown; 'class-map'?: Record<string, string> } | undefined>;
  const annotations = r?.[attribute]?.annotations;
  const classMap = r?.[`${attribute}-metadata`]?.['class-map'] ?? {};
  if (!Array.isArray(annotations)) return [];
  return annotations.flatMap((a) => {
    const label = classMap[String(a?.class_id)];
    return typeof label === 'string' ? [{ label, left: a.left, top: a.top, width: a.width, height: a.height }] : [];
  });
};
