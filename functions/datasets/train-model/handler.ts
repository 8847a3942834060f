import type { SettingName } from '../../kernel/config';
import type { TrainingState } from '../../kernel/contracts/step-io';
import { logger, pipelineStep } from '../../kernel/observability';
import { joinKey } from '../../kernel/rules/s3-uri';
import { startTraining } from '../aws/model-versions';
import { TrainModelInput } from '../contracts/rekognition-steps';
import { runTags, versionNameForRun } from '../rules/rekognition-names';

/** The environment variables this function reads (none: it works from its input alone). */
export const SETTINGS: readonly SettingName[] = [];

/**
 * Starts training one model version on the run's datasets, named after the run so a retry finds
 * the version it started. Training output goes to `runs/<runId>/model/` in the data bucket.
 */
export const trainModel = async ({ run, rekognition }: TrainModelInput): Promise<TrainingState> => {
  const versionName = versionNameForRun(run.runId);
  const version = await startTraining({
    projectArn: rekognition.projectArn,
    versionName,
    outputBucket: run.bucket,
    outputPrefix: joinKey(run.runPrefix, 'model/'),
    tags: runTags(run.runId),
  });
  logger.info('training started', {
    versionName,
    projectVersionArn: version.projectVersionArn,
    status: version.status,
  });
  return {
    projectVersionArn: version.projectVersionArn,
    versionName,
    status: version.status ?? 'TRAINING_IN_PROGRESS',
    attempts: 0,
  };
};

export const handler = pipelineStep(TrainModelInput, trainModel);
