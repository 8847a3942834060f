import type { RunContext } from '../../../kernel/contracts/step-io';
import { InvalidInput } from '../../../kernel/errors';
import { runFileKey } from '../../../kernel/rules/run-files';
import { parseS3Uri, toS3Uri } from '../../../kernel/rules/s3-uri';
import { jobOutputPrefix, outputManifestKey } from '../../contracts/labeling-output/layout';
import { type ImageItem, imageKey, JOBS_PK, type JobItem, jobKey, taskIdOf } from '../contracts/table-items';

/**
 * 30 days: Ground Truth's TaskAvailabilityLifetimeInSeconds default and maximum for a private
 * workforce, kept for the built-in backend too
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HumanTaskConfig.html).
 */
export const DEFAULT_AVAILABILITY_SECONDS = 2_592_000;

export type BuiltinJobRun = Pick<
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
  | 'taskAvailabilityLifetimeSeconds'
  | 'instructions'
  | 'examples'
  | 'labelerGroup'
>;

/** The job item of a new built-in job: open, but hidden from labelers until its images are written. */
export const planJobItem = (run: BuiltinJobRun, labels: readonly string[], imageCount: number, now: Date): JobItem => {
  const lifetime = run.taskAvailabilityLifetimeSeconds ?? DEFAULT_AVAILABILITY_SECONDS;
  return {
    ...jobKey(run.jobName),
    jobsPk: JOBS_PK,
    jobId: run.jobName,
    runId: run.runId,
    title: run.taskTitle,
    labels: [...labels],
    instructions: run.instructions ?? run.taskDescription,
    examples: run.examples ?? [],
    ...(run.labelerGroup === undefined ? {} : { labelerGroup: run.labelerGroup }),
    status: 'open',
    imageCount,
    workersPerObject: run.workersPerObject,
    taskTimeLimitSeconds: run.taskTimeLimitSeconds,
    answersReceived: 0,
    imagesComplete: 0,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + lifetime * 1000).toISOString(),
    bucket: run.bucket,
    runPrefix: run.runPrefix,
    labelAttributeName: run.labelAttributeName,
    outputPath: toS3Uri({ bucket: run.bucket, key: runFileKey(run.runPrefix, 'labelingOutput') }),
    imagesWritten: false,
    version: 0,
  };
};

export interface Dimensions {
  width: number;
  height: number;
}

/** The image item for the input manifest's `index`-th line: open (in the sparse index) with no answers yet. */
export const planImageItem = (
  jobId: string,
  index: number,
  sourceRef: string,
  dimensions: ReadonlyMap<string, Dimensions>,
): ImageItem => {
  const { key } = parseS3Uri(sourceRef);
  const size = dimensions.get(key);
  if (size === undefined) {
    throw new InvalidInput(`validation.json has no width and height for ${key}, line ${index + 1} of the manifest`, {
      key,
    });
  }
  const taskId = taskIdOf(index);
  return {
    ...imageKey(jobId, taskId),
    taskId,
    sourceRef,
    width: size.width,
    height: size.height,
    answerCount: 0,
    answers: {},
    leases: {},
    answeredBy: [],
    skippedBy: [],
    openJob: jobId,
    openSort: taskId,
    version: 0,
  };
};

/** Where finalization writes, in Ground Truth's layout under the job's S3OutputPath. */
export const jobOutputKeys = (runPrefix: string, jobName: string) => {
  const prefix = jobOutputPrefix(runFileKey(runPrefix, 'labelingOutput'), jobName);
  return { prefix, manifest: outputManifestKey(prefix) };
};
