import * as z from '../../kernel/schema';

/**
 * The events the pipeline publishes on the default bus. `source` and the detail-types are the
 * single source of truth for consumers' rules and for the README's table.
 */
export const PIPELINE_EVENT_SOURCE = 'labeling-pipeline';
export const RUN_SUCCEEDED = 'Labeling Pipeline Succeeded';
export const RUN_FAILED = 'Labeling Pipeline Failed';

const RunIdentity = z.object({
  runId: z.optional(z.string()),
  executionName: z.optional(z.string()),
  batch: z.optional(z.string()),
  bucket: z.optional(z.string()),
  prefix: z.optional(z.string()),
});

const Counts = z.object({
  images: z.optional(z.int()),
  imagesAccepted: z.optional(z.int()),
  imagesRejected: z.optional(z.int()),
  labeled: z.optional(z.int()),
  datasetImages: z.optional(z.int()),
  boxes: z.optional(z.int()),
  train: z.optional(z.int()),
  test: z.optional(z.int()),
});

const Locations = z.record(z.string(), z.string());

export const RunSucceededDetail = z.extend(RunIdentity, {
  counts: Counts,
  locations: Locations,
  labelingJobName: z.optional(z.string()),
  labelCounters: z.optional(z.record(z.string(), z.number())),
  projectArn: z.optional(z.string()),
  trainDatasetArn: z.optional(z.string()),
  testDatasetArn: z.optional(z.string()),
  model: z.optional(z.object({ projectVersionArn: z.string(), status: z.string(), f1Score: z.optional(z.number()) })),
});
export type RunSucceededDetail = z.infer<typeof RunSucceededDetail>;

export const RunFailedDetail = z.extend(RunIdentity, {
  error: z.object({ name: z.string(), cause: z.string() }),
  counts: Counts,
  locations: Locations,
  labelingJobName: z.optional(z.string()),
});
export type RunFailedDetail = z.infer<typeof RunFailedDetail>;
