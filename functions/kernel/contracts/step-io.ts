import { z } from 'zod';

/**
 * The data that flows between states. Each state writes one key (its `ResultPath`), and every
 * value stays small: counts and S3 URIs, never lists of images (the 256 KiB state limit).
 */

/** Written by PrepareRun at `$.run`: everything later steps need to know about the run. */
export const RunContext = z.object({
  runId: z.string(),
  jobName: z.string(),
  executionName: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  batch: z.string(),
  runPrefix: z.string(),
  labels: z.array(z.string()).min(1),
  labelAttributeName: z.string(),
  taskTitle: z.string(),
  taskDescription: z.string(),
  workersPerObject: z.number().int(),
  taskTimeLimitSeconds: z.number().int(),
  maxConcurrentTaskCount: z.number().int(),
  autoLabeling: z.boolean(),
  projectName: z.string(),
  train: z.boolean(),
  testFraction: z.number(),
  minConfidence: z.number(),
});
export type RunContext = z.infer<typeof RunContext>;

/** Written by ValidateImages at `$.validation`. */
export const ValidationSummary = z.object({
  total: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  byReason: z.record(z.string(), z.number().int()),
  reportUri: z.string(),
});
export type ValidationSummary = z.infer<typeof ValidationSummary>;

/** Written by BuildManifest at `$.manifest`. */
export const ManifestSummary = z.object({
  manifestUri: z.string(),
  labelCategoryConfigUri: z.string(),
  objects: z.number().int(),
});
export type ManifestSummary = z.infer<typeof ManifestSummary>;

export const LabelCounters = z.object({
  TotalLabeled: z.number().int().optional(),
  HumanLabeled: z.number().int().optional(),
  MachineLabeled: z.number().int().optional(),
  FailedNonRetryableError: z.number().int().optional(),
  Unlabeled: z.number().int().optional(),
});
export type LabelCounters = z.infer<typeof LabelCounters>;

/** Written at `$.labeling` by the task-token callback or by ReconcileLabelingJob. */
export const LabelingResult = z.object({
  jobName: z.string(),
  status: z.literal('Completed'),
  outputManifestS3Uri: z.string(),
  labelCounters: LabelCounters,
});
export type LabelingResult = z.infer<typeof LabelingResult>;

/** Written by PostProcess at `$.dataset`. */
export const DatasetSummary = z.object({
  trainManifestUri: z.string(),
  testManifestUri: z.string(),
  reportUri: z.string(),
  reportHtmlUri: z.string(),
  lines: z.number().int(),
  accepted: z.number().int(),
  rejected: z.number().int(),
  boxes: z.number().int(),
  labels: z.number().int(),
  train: z.number().int(),
  test: z.number().int(),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;

/** One dataset's status and `DatasetStats` as DescribeDataset reports them (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DescribeDataset.html). */
export const DatasetState = z.object({
  status: z.string(),
  labeledEntries: z.number().int().optional(),
  totalEntries: z.number().int().optional(),
  errorEntries: z.number().int().optional(),
  totalLabels: z.number().int().optional(),
});
export type DatasetState = z.infer<typeof DatasetState>;

/** Written by CreateDataset and CheckDatasets at `$.rekognition`. */
export const RekognitionDatasets = z.object({
  projectArn: z.string(),
  trainDatasetArn: z.string(),
  testDatasetArn: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  projectName: z.string().optional(),
  train: DatasetState.optional(),
  test: DatasetState.optional(),
});
export type RekognitionDatasets = z.infer<typeof RekognitionDatasets>;

/** Written by TrainModel and CheckTraining at `$.training`. */
export const TrainingState = z.object({
  projectVersionArn: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  f1Score: z.number().optional(),
  evaluationResultUri: z.string().optional(),
  versionName: z.string().optional(),
  /** The version's own status when it moved past TRAINING_COMPLETED (e.g. RUNNING) before the poll saw it. */
  versionStatus: z.string().optional(),
});
export type TrainingState = z.infer<typeof TrainingState>;

/** What a Catch writes at `$.error`: Step Functions' own shape. */
export const CaughtError = z.object({
  Error: z.string(),
  Cause: z.string().optional(),
});
export type CaughtError = z.infer<typeof CaughtError>;
