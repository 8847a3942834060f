import { loadSettings } from '../../kernel/config';
import { backendOf } from '../../kernel/contracts/step-io';
import { pipelineStep } from '../../kernel/observability';
import { STARTER_SETTINGS, type StartLabelingJobOutput } from '../aws/labeling-backend';
import { LABELING_STARTERS } from '../aws/labeling-starters';
import { putTaskToken } from '../aws/task-tokens';
import { StartLabelingJobInput } from '../contracts/labeling-steps';

export type { StartLabelingJobOutput } from '../aws/labeling-backend';

/** The environment variables this function reads, all for the backends' start; a missing one fails the cold start. */
export const SETTINGS = STARTER_SETTINGS;
const settings = loadSettings(SETTINGS);

/**
 * Starts the run's job on its backend. The backend stores the task token before its job exists
 * (so no completion can beat it), and the job's end resumes the run by that token.
 */
export const startLabelingJob = async (input: StartLabelingJobInput): Promise<StartLabelingJobOutput> => {
  const { run, taskToken } = input;
  const backend = backendOf(run);
  const storeToken = () =>
    putTaskToken(settings.DATA_BUCKET, run.jobName, {
      taskToken,
      runId: run.runId,
      executionName: run.executionName,
      createdAt: new Date().toISOString(),
      backend,
    });
  return LABELING_STARTERS[backend].start(input, storeToken, settings);
};

export const handler = pipelineStep(StartLabelingJobInput, startLabelingJob);
