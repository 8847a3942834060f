import { ManifestSummary, RunContext, ValidationSummary } from '../../kernel/contracts/step-io';
import * as z from '../../kernel/schema';

/**
 * Inputs of the labeling steps. StartLabelingJobAndWait passes `{ taskToken, run, validation,
 * manifest }` (the ASL's Payload); ReconcileLabelingJob receives the whole state.
 */
export const StartLabelingJobInput = z.object({
  taskToken: z.string().check(z.minLength(1), z.maxLength(2048)),
  run: RunContext,
  validation: ValidationSummary,
  manifest: ManifestSummary,
});
export type StartLabelingJobInput = z.infer<typeof StartLabelingJobInput>;

export const ReconcileLabelingJobInput = z.object({
  run: z.pick(RunContext, { runId: true, jobName: true, labelingBackend: true }),
  error: z.optional(z.object({ Error: z.string(), Cause: z.optional(z.string()) })),
});
export type ReconcileLabelingJobInput = z.infer<typeof ReconcileLabelingJobInput>;
