import type {
  DatasetSummary,
  LabelCounters,
  LabelingResult,
  ManifestSummary,
  RekognitionDatasets,
  ValidationSummary,
} from '../../functions/kernel/contracts/step-io';

/** Canned state outputs for state-machine tests that replace the states they are not about. */

export const BUCKET = 'labeling-pipeline-local-data';
/** The harness's default execution name, so also the run id and the labeling job's name. */
export const RUN_ID = 'logos-2026-test';
const RUN_URI = `s3://${BUCKET}/runs/${RUN_ID}`;
export const OUTPUT_MANIFEST_KEY = `runs/${RUN_ID}/labeling/output/${RUN_ID}/manifests/output/output.manifest`;
export const PIPELINE_INPUT = { bucket: BUCKET, prefix: 'incoming/logos-2026/' };

export const validationOutput = (counts: Partial<ValidationSummary> = {}): ValidationSummary => ({
  total: 4,
  accepted: 4,
  rejected: 0,
  byReason: {},
  reportUri: `${RUN_URI}/validation.json`,
  ...counts,
});

/**
 * Stand-ins for the validation stage's three states (PlanValidation, the ValidateImages
 * Distributed Map, SummarizeValidation), ending in `validationOutput(counts)`.
 */
export const validationStates = (counts: Partial<ValidationSummary> = {}) => ({
  PlanValidation: async () => ({
    objects: counts.total ?? 4,
    listPrefix: PIPELINE_INPUT.prefix,
    exampleKeys: [],
    batches: 1,
    itemsPerBatch: 250,
    maxConcurrency: 10,
    toleratedFailurePercentage: 0,
    resultsPrefix: `runs/${RUN_ID}/validation/map-results/`,
  }),
  ValidateImages: async () => ({
    MapRunArn: `arn:aws:states:us-east-1:123456789012:mapRun:labeling-pipeline-local/ValidateImages:${RUN_ID}`,
    ResultWriterDetails: { Bucket: BUCKET, Key: `runs/${RUN_ID}/validation/map-results/${RUN_ID}/manifest.json` },
  }),
  SummarizeValidation: async () => validationOutput(counts),
});

export const manifestOutput = (objects = 4): ManifestSummary => ({
  manifestUri: `${RUN_URI}/labeling/input.manifest`,
  labelCategoryConfigUri: `${RUN_URI}/labeling/label-categories.json`,
  objects,
});

export const labelingOutput = (labelCounters: LabelCounters = { TotalLabeled: 4 }): LabelingResult => ({
  jobName: RUN_ID,
  status: 'Completed',
  outputManifestS3Uri: `s3://${BUCKET}/${OUTPUT_MANIFEST_KEY}`,
  labelCounters,
});

export const datasetOutput = (counts: Partial<DatasetSummary> = {}): DatasetSummary => ({
  trainManifestUri: `${RUN_URI}/dataset/train.manifest`,
  testManifestUri: `${RUN_URI}/dataset/test.manifest`,
  reportUri: `${RUN_URI}/dataset/report.json`,
  reportHtmlUri: `${RUN_URI}/dataset/report.html`,
  lines: 4,
  accepted: 4,
  rejected: 0,
  boxes: 7,
  labels: 2,
  train: 3,
  test: 1,
  ...counts,
});

export const datasetsOutput = (status: string, attempts: number): RekognitionDatasets => ({
  projectArn: 'arn:aws:rekognition:us-east-1:123456789012:project/labeling-pipeline-logos-2026-test/1764000000000',
  trainDatasetArn: 'arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/train/1764000000001',
  testDatasetArn: 'arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/test/1764000000002',
  status,
  attempts,
});
