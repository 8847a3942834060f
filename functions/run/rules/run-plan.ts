import type { LabelingBackendName, RunContext } from '../../kernel/contracts/step-io';
import { InvalidInput } from '../../kernel/errors';
import { runPrefixOf } from '../../kernel/rules/run-files';
import { batchOf, deriveRunId, normalizePrefix } from '../../kernel/rules/run-id';
import { checkLabels } from '../../labeling/contracts/labels';
import type { ExecutionInput } from '../contracts/execution-input';

/** Defaults for everything a run may override; chosen for logo labeling by a small private team. */
export const RUN_DEFAULTS = {
  taskTitle: 'Draw a box around every logo',
  taskDescription: 'Draw one tight box around each brand logo in the image, including logos cut off at the edge.',
  workersPerObject: 3,
  taskTimeLimitSeconds: 600,
  maxConcurrentTaskCount: 1000,
  autoLabeling: false,
  projectName: 'labeling-pipeline',
  train: false,
  testFraction: 0.2,
  minConfidence: 0,
  // Bounding-box jobs: must not end with -ref or -metadata (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html).
  labelAttributeName: 'bounding-box',
} as const;

export interface RunSettings {
  /** The one bucket this deployment may read (Rekognition needs all images in one bucket; https://docs.aws.amazon.com/rekognition/latest/APIReference/API_CreateDataset.html). */
  dataBucket: string;
  defaultLabels: string[];
  /** The stage's `labelingBackend` parameter. */
  labelingBackend: LabelingBackendName;
}

/** Examples must be images of this batch: the labelers' presigned reads reach only `incoming/`. */
const checkExamples = (examples: ExecutionInput['examples'], prefix: string) => {
  examples?.forEach((example, i) => {
    if (!example.key.startsWith(prefix) || example.key.includes('..')) {
      throw new InvalidInput(`examples.${i}.key: must be under the batch folder ${prefix}, got ${example.key}`, {
        field: `examples.${i}.key`,
      });
    }
  });
  return examples;
};

/**
 * Turns a validated execution input into the run's context: ids, output prefix and every option
 * resolved. Pure and deterministic: the same execution name and input give the same run.
 */
export const planRun = (input: ExecutionInput, executionName: string, settings: RunSettings): RunContext => {
  if (input.bucket !== settings.dataBucket) {
    throw new InvalidInput(
      `bucket: this pipeline reads only its data bucket "${settings.dataBucket}", not "${input.bucket}"; upload the batch there`,
      { field: 'bucket' },
    );
  }
  const runId = deriveRunId(executionName);
  const prefix = normalizePrefix(input.prefix);
  return {
    runId,
    jobName: runId,
    executionName,
    bucket: input.bucket,
    prefix,
    batch: batchOf(prefix),
    runPrefix: runPrefixOf(runId),
    labels: checkLabels(input.labels ?? settings.defaultLabels),
    labelAttributeName: RUN_DEFAULTS.labelAttributeName,
    labelingBackend: input.labelingBackend ?? settings.labelingBackend,
    ...taskOptions(input),
    ...datasetOptions(input),
    ...optionalOptions(input, prefix),
  };
};

/** The labeling task's options, each the input's or the run's default. */
const taskOptions = (input: ExecutionInput) => ({
  taskTitle: input.taskTitle ?? RUN_DEFAULTS.taskTitle,
  taskDescription: input.taskDescription ?? RUN_DEFAULTS.taskDescription,
  workersPerObject: input.workersPerObject ?? RUN_DEFAULTS.workersPerObject,
  taskTimeLimitSeconds: input.taskTimeLimitSeconds ?? RUN_DEFAULTS.taskTimeLimitSeconds,
  maxConcurrentTaskCount: input.maxConcurrentTaskCount ?? RUN_DEFAULTS.maxConcurrentTaskCount,
  autoLabeling: input.autoLabeling ?? RUN_DEFAULTS.autoLabeling,
});

/** The dataset's and model's options, each the input's or the run's default. */
const datasetOptions = (input: ExecutionInput) => ({
  projectName: input.projectName ?? RUN_DEFAULTS.projectName,
  train: input.train ?? RUN_DEFAULTS.train,
  testFraction: input.testFraction ?? RUN_DEFAULTS.testFraction,
  minConfidence: input.minConfidence ?? RUN_DEFAULTS.minConfidence,
});

/** The options a run carries only when the input gives them (no default stands in for them). */
const optionalOptions = (input: ExecutionInput, prefix: string): Partial<RunContext> => ({
  ...(input.taskAvailabilityDays === undefined
    ? {}
    : { taskAvailabilityLifetimeSeconds: input.taskAvailabilityDays * 86_400 }),
  ...(input.instructions === undefined ? {} : { instructions: input.instructions }),
  ...(input.examples === undefined ? {} : { examples: checkExamples(input.examples, prefix) }),
  ...(input.labelerGroup === undefined ? {} : { labelerGroup: input.labelerGroup }),
  ...(input.exports === undefined || input.exports.length === 0 ? {} : { exports: [...new Set(input.exports)] }),
});
