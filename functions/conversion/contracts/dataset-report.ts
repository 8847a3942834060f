import { LabelCounters } from '../../kernel/contracts/step-io';
import * as z from '../../kernel/schema';

/** One dropped line (no `box`) or dropped box (`box`: its index in the input's annotations). */
export const Rejection = z.object({
  /** 1-based line number in the input where the record starts. */
  line: z.int(),
  sourceRef: z.optional(z.string()),
  code: z.string(),
  message: z.string(),
  box: z.optional(z.int()),
});
export type Rejection = z.infer<typeof Rejection>;

/** Images of one label in train and test. */
export const LabelSplitCounts = z.object({ train: z.int(), test: z.int() });

/**
 * `runs/<runId>/dataset/report.json` (and the CLI's `<dir>/report.json`): what the conversion
 * from Ground Truth output to a Rekognition dataset kept, dropped and why.
 */
export const LabelerFigures = z.object({
  /** The labeler's id (Cognito sub). */
  worker: z.string(),
  /** The labeler's e-mail, when the job's worker responses carry it (the built-in backend's do). */
  email: z.optional(z.string()),
  images: z.int(),
  medianSeconds: z.number(),
  agreement: z.number(),
});
export type LabelerFigures = z.infer<typeof LabelerFigures>;

export const DatasetReport = z.object({
  source: z.string(),
  generatedAt: z.string(),
  labelAttributeName: z.optional(z.string()),
  bucket: z.optional(z.string()),
  testFraction: z.number(),
  minConfidence: z.number(),
  /** Records read (a pretty-printed record counts once; blank lines not at all). */
  lines: z.int(),
  /** Usable lines: written to train or test, unless `blockers` says why not. */
  accepted: z.int(),
  /** Lines dropped, whatever the reason. */
  rejectedLines: z.int(),
  /** Boxes written. */
  boxes: z.int(),
  droppedBoxes: z.int(),
  /** Label name → boxes written. */
  labels: z.record(z.string(), z.int()),
  /** Label name → images written. */
  labelImages: z.record(z.string(), z.int()),
  humanAnnotated: z.int(),
  machineAnnotated: z.int(),
  /** Box confidences in ten bins of 0.1 ([0, 0.1), …, [0.9, 1.0]), by who labeled the line. */
  confidence: z.object({ human: z.array(z.int()), machine: z.array(z.int()) }),
  train: z.int(),
  test: z.int(),
  split: z.record(z.string(), LabelSplitCounts),
  /** Code → number of dropped lines and boxes. */
  rejectedByReason: z.record(z.string(), z.int()),
  /** The first `rejectedListLimit` rejections, in input order. */
  rejected: z.array(Rejection),
  rejectedListLimit: z.int(),
  rejectedTotal: z.int(),
  warnings: z.array(z.string()),
  /**
   * Why no manifest was written although `accepted` lines were usable: a Rekognition limit the
   * sets would break, or an empty test set. Empty when the manifests were written.
   */
  blockers: z._default(z.array(z.object({ code: z.string(), message: z.string() })), []),
  labelCounters: z.optional(LabelCounters),
  /** The labeling job decisions file (`runs/<runId>/labeling/job.json`), when present. */
  labelingJob: z.optional(z.record(z.string(), z.unknown())),
  /**
   * Per labeler, from the job's worker responses: images answered,
   * median seconds per image, and mean agreement with the consolidated boxes (Dice, 0-1).
   * Absent when the job left no worker responses.
   */
  labelers: z.optional(z.array(LabelerFigures)),
});
export type DatasetReport = z.infer<typeof DatasetReport>;
