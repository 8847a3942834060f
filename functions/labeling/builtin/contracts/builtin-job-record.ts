import * as z from '../../../kernel/schema';

/** `runs/<runId>/labeling/job.json` for a built-in job: what was decided, for the report and for people. */
export const BuiltinJobRecord = z.object({
  backend: z.literal('builtin'),
  jobName: z.string(),
  runId: z.string(),
  region: z.string(),
  table: z.string(),
  labelAttributeName: z.string(),
  inputManifestUri: z.string(),
  labelCategoryConfigUri: z.string(),
  outputPath: z.string(),
  imageCount: z.int(),
  workersPerObject: z.int(),
  taskTimeLimitSeconds: z.int(),
  taskAvailabilityLifetimeSeconds: z.int(),
  expiresAt: z.string(),
  labelerGroup: z.optional(z.string()),
  reusedExistingJob: z.boolean(),
});
export type BuiltinJobRecord = z.infer<typeof BuiltinJobRecord>;
