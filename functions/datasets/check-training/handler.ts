import { loadSettings } from '../../kernel/config';
import type { TrainingState } from '../../kernel/contracts/step-io';
import { TrainingFailed } from '../../kernel/errors';
import { logger, pipelineStep } from '../../kernel/observability';
import { findVersion } from '../aws/model-versions';
import { CheckTrainingInput } from '../contracts/rekognition-steps';
import { versionNameForRun } from '../rules/rekognition-names';
import { trainingProgress } from '../rules/training-plan';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['MAX_TRAINING_POLLS'] as const;
const settings = loadSettings(SETTINGS);

/**
 * Polls the run's model version once. Returns `TRAINING_COMPLETED` with the F1 score and the
 * evaluation summary once trained; throws `TrainingFailed` on a failed version or after
 * `MAX_TRAINING_POLLS` polls.
 */
export const checkTraining = async ({ run, rekognition, training }: CheckTrainingInput): Promise<TrainingState> => {
  const attempts = training.attempts + 1;
  const versionName = training.versionName ?? versionNameForRun(run.runId);
  const version = await findVersion(rekognition.projectArn, versionName);
  const detail = { projectVersionArn: training.projectVersionArn, versionName, attempts };
  if (!version) {
    throw new TrainingFailed(`model version ${versionName} no longer exists in ${rekognition.projectArn}`, detail);
  }

  const progress = trainingProgress(version, attempts, settings.MAX_TRAINING_POLLS);
  if (progress.outcome === 'failed' || progress.outcome === 'timed-out') {
    throw new TrainingFailed(progress.message, { ...detail, status: version.status });
  }
  logger.info('training polled', { attempts, status: version.status });
  if (progress.outcome === 'pending') {
    return { ...training, versionName, status: version.status ?? 'TRAINING_IN_PROGRESS', attempts };
  }
  return {
    ...training,
    versionName,
    status: 'TRAINING_COMPLETED',
    attempts,
    f1Score: version.f1Score,
    evaluationResultUri: version.evaluationResultUri,
    versionStatus: version.status === 'TRAINING_COMPLETED' ? undefined : version.status,
  };
};

export const handler = pipelineStep(CheckTrainingInput, checkTraining);
