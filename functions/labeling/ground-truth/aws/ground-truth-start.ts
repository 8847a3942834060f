import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { putJson, putText } from '../../../kernel/aws/s3-objects';
import { InvalidInput } from '../../../kernel/errors';
import { logger, metrics } from '../../../kernel/observability';
import { toS3Uri } from '../../../kernel/rules/s3-uri';
import type { LabelingStarter, StarterSettings } from '../../aws/labeling-backend';
import { deliverOutcome } from '../../aws/labeling-callbacks';
import { deleteTaskToken } from '../../aws/task-tokens';
import type { StartLabelingJobInput } from '../../contracts/labeling-steps';
import { AUTO_LABELING_MIN_OBJECTS, decideAutoLabeling } from '../rules/auto-labeling';
import { labelingOutcome } from '../rules/ground-truth-outcome';
import { isTaggedWithRun, planLabelingJob } from '../rules/labeling-job-request';
import { boundingBoxTemplate } from '../rules/labeling-ui-template';
import { createLabelingJob, describeLabelingJob } from './labeling-jobs';
import { readOversizeImageCount } from './validation-dimensions';

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

/** A stack deployed for the built-in backend may have no workteam: a Ground Truth run then cannot start. */
const workteamArn = (settings: StarterSettings): string => {
  if (settings.WORKTEAM_ARN === '') {
    throw new InvalidInput(
      'labelingBackend ground-truth needs a workteam, and this stack has none: deploy with --param "workteamArn=..." (or createWorkforce=true), or label this batch with the builtin backend',
      { field: 'labelingBackend' },
    );
  }
  return settings.WORKTEAM_ARN;
};

/** SageMaker Ground Truth: CreateLabelingJob; its state-change event resumes the run (labeling-job-events). */
export const groundTruthStart: LabelingStarter = {
  name: 'ground-truth',

  /**
   * 1. Decide auto-labeling (asked for, big enough, images small enough) and plan the request.
   * 2. Store the task token before the job exists, so no completion event can beat it.
   * 3. Write the worker template, create the job (or adopt our own), record the decisions.
   */
  async start(input, storeToken, settings) {
    const { run, manifest, validation } = input;
    const needsDimensions = run.autoLabeling && manifest.objects >= AUTO_LABELING_MIN_OBJECTS;
    const oversizeImages = needsDimensions ? await readOversizeImageCount(validation.reportUri) : 0;
    const autoLabeling = decideAutoLabeling({ requested: run.autoLabeling, objects: manifest.objects, oversizeImages });
    const plan = planLabelingJob({
      run,
      manifest,
      region: settings.AWS_REGION,
      workteamArn: workteamArn(settings),
      roleArn: settings.LABELING_ROLE_ARN,
      autoLabeling,
    });
    await storeToken();
    const examples = run.examples?.map((e) => ({ ...e, uri: toS3Uri({ bucket: run.bucket, key: e.key }) }));
    const template = boundingBoxTemplate({ instructions: run.instructions, examples });
    await putText(run.bucket, plan.templateKey, template, 'text/html; charset=utf-8');
    const created = await createLabelingJob(plan.request);
    if (created === 'exists') await adoptExistingJob(input, settings.DATA_BUCKET);
    else metrics.addMetric('LabelingJobsStarted', MetricUnit.Count, 1);
    const reusedExistingJob = created === 'exists';
    await putJson(run.bucket, plan.recordKey, { ...plan.record, reusedExistingJob });
    logger.info('labeling job started', { jobName: run.jobName, autoLabeling: autoLabeling.code, reusedExistingJob });
    return { jobName: run.jobName, backend: 'ground-truth', autoLabeling: autoLabeling.enabled, reusedExistingJob };
  },
};
