import { z } from 'zod';
import { LabelCounters } from '../../kernel/contracts/step-io';

/** One dropped line (no `box`) or dropped box (`box`: its index in the input's annotations). */
export const Rejection = z.object({
  /** 1-based line number in the input where the record starts. */
  line: z.number().int(),
  sourceRef: z.string().optional(),
  code: z.string(),
  message: z.string(),
  box: z.number().int().optional(),
});
export type Rejection = z.infer<typeof Rejection>;

/** Images of one label in train and test. */
export const LabelSplitCounts = z.object({ train: z.number().int(), test: z.number().int() });

/**
 * `runs/<runId>/dataset/report.json` (and the CLI's `<dir>/report.json`): what the conversion
 * from Ground Truth output to a Rekognition dataset kept, dropped and why.
 */
export const LabelerFigures = z.object({
  worker: z.string(),
  images: z.number().int(),
  medianSeconds: z.number(),
  agreement: z.number(),
});
export type LabelerFigures = z.infer<typeof LabelerFigures>;

export const DatasetReport = z.object({
  source: z.string(),
  generatedAt: z.string(),
  labelAttributeName: z.string().optional(),
  bucket: z.string().optional(),
  testFraction: z.number(),
  minConfidence: z.number(),
  /** Records read (a pretty-printed record counts once; blank lines not at all). */
  lines: z.number().int(),
  /** Usable lines: written to train or test, unless `blockers` says why not. */
  accepted: z.number().int(),
  /** Lines dropped, whatever the reason. */
  rejectedLines: z.number().int(),
  /** Boxes written. */
  boxes: z.number().int(),
  droppedBoxes: z.number().int(),
  /** Label name → boxes written. */
  labels: z.record(z.string(), z.number().int()),
  /** Label name → images written. */
  labelImages: z.record(z.string(), z.number().int()),
  humanAnnotated: z.number().int(),
  machineAnnotated: z.number().int(),
  /** Box confidences in ten bins of 0.1 ([0, 0.1), …, [0.9, 1.0]), by who labeled the line. */
  confidence: z.object({ human: z.array(z.number().int()), machine: z.array(z.number().int()) }),
  train: z.number().int(),
  test: z.number().int(),
  split: z.record(z.string(), LabelSplitCounts),
  /** Code → number of dropped lines and boxes. */
  rejectedByReason: z.record(z.string(), z.number().int()),
  /** The first `rejectedListLimit` rejections, in input order. */
  rejected: z.array(Rejection),
  rejectedListLimit: z.number().int(),
  rejectedTotal: z.number().int(),
  warnings: z.array(z.string()),
  /**
   * Why no manifest was written although `accepted` lines were usable: a Rekognition limit the
   * sets would break, or an empty test set. Empty when the manifests were written.
   */
  blockers: z.array(z.object({ code: z.string(), message: z.string() })).default([]),
  labelCounters: LabelCounters.optional(),
  /** The labeling job decisions file (`runs/<runId>/labeling/job.json`), when present. */
  labelingJob: z.record(z.string(), z.unknown()).optional(),
  /**
   * Per labeler, from the job's worker responses (annotations/worker-response): images answered,
   * median seconds per image, and mean agreement with the consolidated boxes (Dice, 0-1).
   * Absent when the job left no worker responses.
   */
  labelers: z.array(LabelerFigures).optional(),
});
export type DatasetReport = z.infer<typeof DatasetReport>;
