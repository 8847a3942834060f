import * as z from '../schema';
import { LABELING_BACKENDS } from './labeling-backend-names';

/**
 * The data that flows between states. Each state writes one key (its `ResultPath`), and every
 * value stays small: counts and S3 URIs, never lists of images (the 256 KiB state limit).
 */

export { LABELING_BACKENDS };
export const LabelingBackendName = z.enum(LABELING_BACKENDS);
export type LabelingBackendName = z.infer<typeof LabelingBackendName>;

/** The label formats a run may write next to its dataset manifests (batch.json `"exports"`). */
export const EXPORT_FORMATS = ['coco', 'yolo', 'voc'] as const;
export const ExportFormatName = z.enum(EXPORT_FORMATS);
export type ExportFormatName = z.infer<typeof ExportFormatName>;

/** An example image shown to built-in labelers, under the batch's own prefix. */
export const LabelingExample = z.object({
  key: z.string().check(z.minLength(1), z.maxLength(1024)),
  kind: z.enum(['good', 'bad']),
  caption: z.string().check(z.maxLength(500)),
});
export type LabelingExample = z.infer<typeof LabelingExample>;

/** The backend a run labels with (see `RunContext.labelingBackend`). */
export const backendOf = (run: { labelingBackend?: LabelingBackendName }): LabelingBackendName =>
  run.labelingBackend ?? 'ground-truth';

/** Written by PrepareRun at `$.run`: everything later steps need to know about the run. */
export const RunContext = z.object({
  runId: z.string(),
  jobName: z.string(),
  executionName: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  batch: z.string(),
  runPrefix: z.string(),
  labels: z.array(z.string()).check(z.minLength(1)),
  labelAttributeName: z.string(),
  taskTitle: z.string(),
  taskDescription: z.string(),
  workersPerObject: z.int(),
  taskTimeLimitSeconds: z.int(),
  maxConcurrentTaskCount: z.int(),
  autoLabeling: z.boolean(),
  projectName: z.string(),
  train: z.boolean(),
  testFraction: z.number(),
  minConfidence: z.number(),
  /** PrepareRun always sets it; absent only in runs prepared before the choice existed, which were Ground Truth runs. */
  labelingBackend: z.optional(LabelingBackendName),
  /** How long labelers may work on the job (both backends); 30 days when absent. */
  taskAvailabilityLifetimeSeconds: z.optional(z.int()),
  /** Built-in backend: Markdown instructions shown to labelers. */
  instructions: z.optional(z.string().check(z.maxLength(20_000))),
  examples: z.optional(z.array(LabelingExample).check(z.maxLength(10))),
  /** Built-in backend: the Cognito group whose members may work on the job (admins always may). */
  labelerGroup: z.optional(z.string()),
  /** Label formats PostProcess writes next to the dataset manifests, each once. */
  exports: z.optional(z.array(ExportFormatName)),
});
export type RunContext = z.infer<typeof RunContext>;

/** Written by ValidateImages at `$.validation`. */
export const ValidationSummary = z.object({
  total: z.int(),
  accepted: z.int(),
  rejected: z.int(),
  /** Example images skipped (present only when there are any). */
  skipped: z.optional(z.int()),
  byReason: z.record(z.string(), z.int()),
  reportUri: z.string(),
  /** Child batches of ValidateImages' Distributed Map that validated the batch, and how many of them failed. */
  batches: z.optional(z.int()),
  failedBatches: z.optional(z.int()),
});
export type ValidationSummary = z.infer<typeof ValidationSummary>;

/** Written by BuildManifest at `$.manifest`. */
export const ManifestSummary = z.object({
  manifestUri: z.string(),
  labelCategoryConfigUri: z.string(),
  objects: z.int(),
});
export type ManifestSummary = z.infer<typeof ManifestSummary>;

export const LabelCounters = z.object({
  TotalLabeled: z.optional(z.int()),
  HumanLabeled: z.optional(z.int()),
  MachineLabeled: z.optional(z.int()),
  FailedNonRetryableError: z.optional(z.int()),
  Unlabeled: z.optional(z.int()),
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
  lines: z.int(),
  accepted: z.int(),
  rejected: z.int(),
  boxes: z.int(),
  labels: z.int(),
  train: z.int(),
  test: z.int(),
  /** The folder of each export the run asked for (`runs/<runId>/dataset/<format>/`). */
  exports: z.optional(z.record(z.string(), z.string())),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;

/** One dataset's status and `DatasetStats` as DescribeDataset reports them (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DescribeDataset.html). */
export const DatasetState = z.object({
  status: z.string(),
  labeledEntries: z.optional(z.int()),
  totalEntries: z.optional(z.int()),
  errorEntries: z.optional(z.int()),
  totalLabels: z.optional(z.int()),
});
export type DatasetState = z.infer<typeof DatasetState>;

/** Written by CreateDataset and CheckDatasets at `$.rekognition`. */
export const RekognitionDatasets = z.object({
  projectArn: z.string(),
  trainDatasetArn: z.string(),
  testDatasetArn: z.string(),
  status: z.string(),
  attempts: z.int(),
  projectName: z.optional(z.string()),
  train: z.optional(DatasetState),
  test: z.optional(DatasetState),
});
export type RekognitionDatasets = z.infer<typeof RekognitionDatasets>;

/** Written by TrainModel and CheckTraining at `$.training`. */
export const TrainingState = z.object({
  projectVersionArn: z.string(),
  status: z.string(),
  attempts: z.int(),
  f1Score: z.optional(z.number()),
  evaluationResultUri: z.optional(z.string()),
  versionName: z.optional(z.string()),
  /** The version's own status when it moved past TRAINING_COMPLETED (e.g. RUNNING) before the poll saw it. */
  versionStatus: z.optional(z.string()),
});
export type TrainingState = z.infer<typeof TrainingState>;

/** What a Catch writes at `$.error`: Step Functions' own shape. */
export const CaughtError = z.object({
  Error: z.string(),
  Cause: z.optional(z.string()),
});
export type CaughtError = z.infer<typeof CaughtError>;
