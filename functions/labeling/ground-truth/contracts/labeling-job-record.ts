import * as z from '../../../kernel/schema';

/**
 * `runs/<runId>/labeling/job.json`: what startLabelingJob decided and why, for the
 * post-processing report and for people reading the run folder.
 */
export const AutoLabelingRecord = z.object({
  requested: z.boolean(),
  enabled: z.boolean(),
  code: z.enum(['ENABLED', 'NOT_REQUESTED', 'BATCH_TOO_SMALL', 'IMAGES_TOO_LARGE', 'DIMENSIONS_UNKNOWN']),
  reason: z.string(),
  objects: z.int(),
  minimumObjects: z.int(),
  oversizeImages: z.optional(z.int()),
  algorithmArn: z.optional(z.string()),
});
export type AutoLabelingRecord = z.infer<typeof AutoLabelingRecord>;

export const LabelingJobRecord = z.object({
  backend: z.literal('ground-truth'),
  jobName: z.string(),
  runId: z.string(),
  region: z.string(),
  workteamArn: z.string(),
  labelAttributeName: z.string(),
  inputManifestUri: z.string(),
  labelCategoryConfigUri: z.string(),
  outputPath: z.string(),
  uiTemplateUri: z.string(),
  workersPerObject: z.int(),
  taskTimeLimitSeconds: z.int(),
  taskAvailabilityLifetimeSeconds: z.int(),
  maxConcurrentTaskCount: z.int(),
  autoLabeling: AutoLabelingRecord,
  /** True when a retried start found the job it had created before (same name, our run tag). */
  reusedExistingJob: z.boolean(),
});
export type LabelingJobRecord = z.infer<typeof LabelingJobRecord>;
