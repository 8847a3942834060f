import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { putJson, putText } from '../../kernel/aws/s3-objects';
import { loadSettings } from '../../kernel/config';
import { InvalidInput } from '../../kernel/errors';
import { logger, metrics, pipelineStep } from '../../kernel/observability';
import { deliverOutcome } from '../aws/labeling-callbacks';
import { deleteTaskToken, putTaskToken } from '../aws/task-tokens';
import { readOversizeImageCount } from '../aws/validation-dimensions';
import { StartLabelingJobInput } from '../contracts/labeling-steps';
import { createLabelingJob, describeLabelingJob } from '../ground-truth/aws/labeling-jobs';
import { AUTO_LABELING_MIN_OBJECTS, decideAutoLabeling } from '../ground-truth/rules/auto-labeling';
import { isTaggedWithRun, planLabelingJob } from '../ground-truth/rules/labeling-job-request';
import { boundingBoxTemplate } from '../ground-truth/rules/labeling-ui-template';
import { labelingOutcome } from '../rules/labeling-outcome';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['AWS_REGION', 'WORKTEAM_ARN', 'LABELING_ROLE_ARN', 'DATA_BUCKET'] as const;
const settings = loadSettings(SETTINGS);

export interface StartLabelingJobOutput {
  jobName: string;
  autoLabeling: boolean;
  reusedExistingJob: boolean;
}

/**
 * A job of our deterministic name exists: adopt it when it carries our run tag (a retried start);
 * if it already finished while no token was stored, resume the execution now instead of waiting
 * for an event that has come and gone. A job of another run is a name clash the user must fix.
 */
const adoptExistingJob = async (input: StartLabelingJobInput, tokenBucket: string): Promise<void> => {
  const { jobName, runId } = input.run;
  const job = await describeLabelingJob(jobName);
  if (job === undefined || !isTaggedWithRun(job.tags, runId)) {
    await deleteTaskToken(tokenBucket, jobName);
    throw new InvalidInput(
      `labeling job ${jobName} already exists and was not started by run ${runId}; ` +
        'labeling job names are unique per account and region, so start the batch under another name',
      { jobName, runId },
    );
  }
  const outcome = labelingOutcome(job);
  logger.info('adopted existing labeling job', { jobName, status: job.status });
  if (outcome.kind === 'running') return;
  await deliverOutcome(input.taskToken, outcome);
  await deleteTaskToken(tokenBucket, jobName);
};

/**
 * 1. Decide auto-labeling (asked for, big enough, images small enough) and plan the request.
 * 2. Store the task token before the job exists, so no completion event can beat it.
 * 3. Write the worker template, create the job (or adopt our own), record the decisions.
 */
export const startLabelingJob = async (input: StartLabelingJobInput): Promise<StartLabelingJobOutput> => {
  const { run, manifest, validation } = input;
  const needsDimensions = run.autoLabeling && manifest.objects >= AUTO_LABELING_MIN_OBJECTS;
  const oversizeImages = needsDimensions ? await readOversizeImageCount(validation.reportUri) : 0;
  const autoLabeling = decideAutoLabeling({ requested: run.autoLabeling, objects: manifest.objects, oversizeImages });
  const plan = planLabelingJob({
    run,
    manifest,
    region: settings.AWS_REGION,
    workteamArn: settings.WORKTEAM_ARN,
    roleArn: settings.LABELING_ROLE_ARN,
    autoLabeling,
  });
  const tokenBucket = settings.DATA_BUCKET;
  const createdAt = new Date().toISOString();
  const { taskToken } = input;
  await putTaskToken(tokenBucket, run.jobName, {
    taskToken,
    runId: run.runId,
    executionName: run.executionName,
    createdAt,
  });
  await putText(run.bucket, plan.templateKey, boundingBoxTemplate(), 'text/html; charset=utf-8');
  const created = await createLabelingJob(plan.request);
  if (created === 'exists') await adoptExistingJob(input, tokenBucket);
  else metrics.addMetric('LabelingJobsStarted', MetricUnit.Count, 1);
  const reusedExistingJob = created === 'exists';
  await putJson(run.bucket, plan.recordKey, { ...plan.record, reusedExistingJob });
  logger.info('labeling job started', { jobName: run.jobName, autoLabeling: autoLabeling.code, reusedExistingJob });
  return { jobName: run.jobName, autoLabeling: autoLabeling.enabled, reusedExistingJob };
};

export const handler = pipelineStep(StartLabelingJobInput, startLabelingJob);
