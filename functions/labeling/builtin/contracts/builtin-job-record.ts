import { z } from 'zod';

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
  imageCount: z.number().int(),
  workersPerObject: z.number().int(),
  taskTimeLimitSeconds: z.number().int(),
  taskAvailabilityLifetimeSeconds: z.number().int(),
  expiresAt: z.string(),
  labelerGroup: z.string().optional(),
  reusedExistingJob: z.boolean(),
});
export type BuiltinJobRecord = z.infer<typeof BuiltinJobRecord>;
