import type { ManifestSummary, RunContext } from '../../../kernel/contracts/step-io';
import { InvalidInput } from '../../../kernel/errors';
import { runFileKey } from '../../../kernel/rules/run-files';
import { RUN_ID_TAG } from '../../../kernel/rules/run-id';
import { toS3Uri } from '../../../kernel/rules/s3-uri';
import type { AutoLabelingRecord, LabelingJobRecord } from '../contracts/labeling-job-record';
import type { AutoLabelingDecision } from './auto-labeling';
import { type BoundingBoxArns, boundingBoxArns } from './ground-truth-regions';
import { checkLabelAttributeName, checkLabelingJobName } from './labeling-job-names';

/** Private workforces: default and, for most accounts, maximum task lifetime is 30 days (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HumanTaskConfig.html). */
const DEFAULT_TASK_AVAILABILITY_SECONDS = 2_592_000;

/** The `CreateLabelingJob` request, in the API's own field names (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html). */
export interface LabelingJobRequest {
  LabelingJobName: string;
  LabelAttributeName: string;
  InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: string } } };
  OutputConfig: { S3OutputPath: string };
  RoleArn: string;
  LabelCategoryConfigS3Uri: string;
  LabelingJobAlgorithmsConfig?: { LabelingJobAlgorithmSpecificationArn: string };
  HumanTaskConfig: {
    WorkteamArn: string;
    UiConfig: { UiTemplateS3Uri: string };
    PreHumanTaskLambdaArn: string;
    TaskTitle: string;
    TaskDescription: string;
    NumberOfHumanWorkersPerDataObject: number;
    TaskTimeLimitInSeconds: number;
    TaskAvailabilityLifetimeInSeconds: number;
    MaxConcurrentTaskCount: number;
    AnnotationConsolidationConfig: { AnnotationConsolidationLambdaArn: string };
  };
  Tags: { Key: string; Value: string }[];
}

export type LabelingJobRun = Pick<
  RunContext,
  | 'runId'
  | 'jobName'
  | 'bucket'
  | 'runPrefix'
  | 'labelAttributeName'
  | 'taskTitle'
  | 'taskDescription'
  | 'workersPerObject'
  | 'taskTimeLimitSeconds'
  | 'maxConcurrentTaskCount'
> & { taskAvailabilityLifetimeSeconds?: number };

export interface LabelingJobPlanInput {
  run: LabelingJobRun;
  manifest: Pick<ManifestSummary, 'manifestUri' | 'labelCategoryConfigUri'>;
  region: string;
  workteamArn: string;
  roleArn: string;
  autoLabeling: AutoLabelingDecision;
}

export interface LabelingJobPlan {
  request: LabelingJobRequest;
  templateKey: string;
  recordKey: string;
  record: Omit<LabelingJobRecord, 'reusedExistingJob'>;
}

/** The run's files under `runs/<runId>/labeling/` that the labeling job uses. */
const labelingKeys = (runPrefix: string) => ({
  template: runFileKey(runPrefix, 'labelingTemplate'),
  record: runFileKey(runPrefix, 'labelingJob'),
  output: runFileKey(runPrefix, 'labelingOutput'),
});

const within = (what: string, value: number, min: number, max: number): number => {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInput(`${what} must be a whole number from ${min} to ${max}, got ${value}`, { [what]: value });
  }
  return value;
};

const textWithin = (what: string, value: string, max: number): string => {
  if (value.length === 0 || value.length > max) {
    throw new InvalidInput(`${what} must be 1-${max} characters, got ${value.length}`, { [what]: value });
  }
  return value;
};

/** Tag values: ≤ 256 of `[\p{L}\p{Z}\p{N}_.:/=+\-@]` (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Tag.html). */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

const checkRunId = (runId: string): string => {
  if (!TAG_VALUE.test(runId)) {
    throw new InvalidInput(`run id ${JSON.stringify(runId)} cannot be a tag value`, { runId });
  }
  return runId;
};

/** The worker-facing half of the request; each number within the API's range (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HumanTaskConfig.html). */
const humanTaskConfig = (
  run: LabelingJobRun,
  arns: BoundingBoxArns,
  workteamArn: string,
  uiTemplateUri: string,
): LabelingJobRequest['HumanTaskConfig'] => ({
  WorkteamArn: workteamArn,
  UiConfig: { UiTemplateS3Uri: uiTemplateUri },
  PreHumanTaskLambdaArn: arns.preHumanTaskLambdaArn,
  TaskTitle: textWithin('taskTitle', run.taskTitle, 128),
  TaskDescription: textWithin('taskDescription', run.taskDescription, 255),
  NumberOfHumanWorkersPerDataObject: within('workersPerObject', run.workersPerObject, 1, 9),
  TaskTimeLimitInSeconds: within('taskTimeLimitSeconds', run.taskTimeLimitSeconds, 30, 28_800),
  TaskAvailabilityLifetimeInSeconds: within(
    'taskAvailabilityLifetimeSeconds',
    run.taskAvailabilityLifetimeSeconds ?? DEFAULT_TASK_AVAILABILITY_SECONDS,
    60,
    2_592_000,
  ),
  MaxConcurrentTaskCount: within('maxConcurrentTaskCount', run.maxConcurrentTaskCount, 1, 5_000),
  AnnotationConsolidationConfig: { AnnotationConsolidationLambdaArn: arns.annotationConsolidationLambdaArn },
});

/** What job.json records besides the reuse flag: the request's decisions in plain words. */
const describePlan = (
  request: LabelingJobRequest,
  input: LabelingJobPlanInput,
  arns: BoundingBoxArns,
): LabelingJobPlan['record'] => {
  const human = request.HumanTaskConfig;
  const algorithmArn = request.LabelingJobAlgorithmsConfig?.LabelingJobAlgorithmSpecificationArn;
  const autoLabeling: AutoLabelingRecord = { ...input.autoLabeling, algorithmArn };
  return {
    backend: 'ground-truth',
    jobName: request.LabelingJobName,
    runId: input.run.runId,
    region: arns.region,
    workteamArn: human.WorkteamArn,
    labelAttributeName: request.LabelAttributeName,
    inputManifestUri: input.manifest.manifestUri,
    labelCategoryConfigUri: input.manifest.labelCategoryConfigUri,
    outputPath: request.OutputConfig.S3OutputPath,
    uiTemplateUri: human.UiConfig.UiTemplateS3Uri,
    workersPerObject: human.NumberOfHumanWorkersPerDataObject,
    taskTimeLimitSeconds: human.TaskTimeLimitInSeconds,
    taskAvailabilityLifetimeSeconds: human.TaskAvailabilityLifetimeInSeconds,
    maxConcurrentTaskCount: human.MaxConcurrentTaskCount,
    autoLabeling,
  };
};

/**
 * Plans a bounding-box labeling job: the `CreateLabelingJob` request (every field within its API
 * limit, https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html), the built-in ARNs for the region, and the record for `job.json`.
 * Pure: the caller performs it. Throws `InvalidInput` for a setting the API would reject, and a
 * `RangeError` for a region without Ground Truth.
 */
export const planLabelingJob = (input: LabelingJobPlanInput): LabelingJobPlan => {
  const { run, manifest } = input;
  const arns = boundingBoxArns(input.region);
  const keys = labelingKeys(run.runPrefix);
  const uiTemplateUri = toS3Uri({ bucket: run.bucket, key: keys.template });
  const request: LabelingJobRequest = {
    LabelingJobName: checkLabelingJobName(run.jobName),
    LabelAttributeName: checkLabelAttributeName(run.labelAttributeName),
    InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: manifest.manifestUri } } },
    OutputConfig: { S3OutputPath: toS3Uri({ bucket: run.bucket, key: keys.output }) },
    RoleArn: input.roleArn,
    LabelCategoryConfigS3Uri: manifest.labelCategoryConfigUri,
    ...(input.autoLabeling.enabled
      ? { LabelingJobAlgorithmsConfig: { LabelingJobAlgorithmSpecificationArn: arns.autoLabelingAlgorithmArn } }
      : {}),
    HumanTaskConfig: humanTaskConfig(run, arns, input.workteamArn, uiTemplateUri),
    Tags: [{ Key: RUN_ID_TAG, Value: checkRunId(run.runId) }],
  };
  return { request, templateKey: keys.template, recordKey: keys.record, record: describePlan(request, input, arns) };
};

/** True when a job's tags mark it as started by `runId` (see `RUN_ID_TAG`). */
export const isTaggedWithRun = (
  tags: readonly { Key?: string; Value?: string }[] | undefined,
  runId: string,
): boolean => (tags ?? []).some((tag) => tag.Key === RUN_ID_TAG && tag.Value === runId);
