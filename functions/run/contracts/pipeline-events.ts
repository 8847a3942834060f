import { z } from 'zod';

/**
 * The events the pipeline publishes on the default bus. `source` and the detail-types are the
 * single source of truth for consumers' rules and for the README's table.
 */
export const PIPELINE_EVENT_SOURCE = 'labeling-pipeline';
export const RUN_SUCCEEDED = 'Labeling Pipeline Succeeded';
export const RUN_FAILED = 'Labeling Pipeline Failed';

const RunIdentity = z.object({
  runId: z.string().optional(),
  executionName: z.string().optional(),
  batch: z.string().optional(),
  bucket: z.string().optional(),
  prefix: z.string().optional(),
});

const Counts = z.object({
  images: z.number().int().optional(),
  imagesAccepted: z.number().int().optional(),
  imagesRejected: z.number().int().optional(),
  labeled: z.number().int().optional(),
  datasetImages: z.number().int().optional(),
  boxes: z.number().int().optional(),
  train: z.number().int().optional(),
  test: z.number().int().optional(),
});

const Locations = z.record(z.string(), z.string());

export const RunSucceededDetail = RunIdentity.extend({
  counts: Counts,
  locations: Locations,
  labelingJobName: z.string().optional(),
  labelCounters: z.record(z.string(), z.number()).optional(),
  projectArn: z.string().optional(),
  trainDatasetArn: z.string().optional(),
  testDatasetArn: z.string().optional(),
  model: z.object({ projectVersionArn: z.string(), status: z.string(), f1Score: z.number().optional() }).optional(),
});
export type RunSucceededDetail = z.infer<typeof RunSucceededDetail>;

export const RunFailedDetail = RunIdentity.extend({
  error: z.object({ name: z.string(), cause: z.string() }),
  counts: Counts,
  locations: Locations,
  labelingJobName: z.string().optional(),
});
export type RunFailedDetail = z.infer<typeof RunFailedDetail>;
