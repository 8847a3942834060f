import { z } from 'zod';
import { ManifestSummary, RunContext, ValidationSummary } from '../../kernel/contracts/step-io';
import { ImageVerdict } from '../../validation/contracts/validation-report';

/**
 * Inputs of the labeling steps. StartLabelingJobAndWait passes `{ taskToken, run, validation,
 * manifest }` (the ASL's Payload); ReconcileLabelingJob receives the whole state.
 */
export const StartLabelingJobInput = z.object({
  taskToken: z.string().min(1).max(2048),
  run: RunContext,
  validation: ValidationSummary,
  manifest: ManifestSummary,
});
export type StartLabelingJobInput = z.infer<typeof StartLabelingJobInput>;

export const ReconcileLabelingJobInput = z.object({
  run: RunContext.pick({ runId: true, jobName: true, labelingBackend: true }),
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});
export type ReconcileLabelingJobInput = z.infer<typeof ReconcileLabelingJobInput>;

/**
 * The part of `validation.json` (contracts/validation-report.ts) that the auto-labeling
 * decision needs: each image's verdict and dimensions. Other keys are ignored.
 */
export const ValidationReportDimensions = z.object({
  images: z.array(ImageVerdict.pick({ verdict: true, width: true, height: true })),
});
export type ValidationReportDimensions = z.infer<typeof ValidationReportDimensions>;
