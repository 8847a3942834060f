import { loadSettings } from '../../kernel/config';
import { backendOf, type LabelingResult } from '../../kernel/contracts/step-io';
import { pipelineStep } from '../../kernel/observability';
import { labelingBackends } from '../aws/labeling-backends';
import { deleteTaskToken } from '../aws/task-tokens';
import { ReconcileLabelingJobInput } from '../contracts/labeling-steps';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['DATA_BUCKET', 'LABELING_TABLE'] as const;
const settings = loadSettings(SETTINGS);
const backends = labelingBackends(settings);

/**
 * The wait timed out (job expiry plus margin, or a lost signal): ask the run's backend what
 * happened. A finished job gives the outcome the signal would have; one still running is stopped.
 */
export const reconcileLabelingJob = async ({ run }: ReconcileLabelingJobInput): Promise<LabelingResult> => {
  // The wait is over: a late signal must not try to resume it.
  await deleteTaskToken(settings.DATA_BUCKET, run.jobName);
  return backends[backendOf(run)].reconcile(run);
};

export const handler = pipelineStep(ReconcileLabelingJobInput, reconcileLabelingJob);
