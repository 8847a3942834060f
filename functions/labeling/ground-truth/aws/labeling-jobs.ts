import {
  CreateLabelingJobCommand,
  DescribeLabelingJobCommand,
  type DescribeLabelingJobCommandOutput,
  StopLabelingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { hasErrorName } from '../../../kernel/aws/sdk-errors';
import type { LabelingJobView } from '../rules/ground-truth-outcome';
import type { LabelingJobRequest } from '../rules/labeling-job-request';
import { sageMaker } from './sagemaker-client';

/**
 * Creates the job. Returns `'exists'` when a job of that name already exists (`ResourceInUse`):
 * names are deterministic, so that is usually our own earlier attempt; the caller decides.
 */
export const createLabelingJob = async (request: LabelingJobRequest): Promise<'created' | 'exists'> => {
  try {
    await sageMaker.send(new CreateLabelingJobCommand(request));
    return 'created';
  } catch (error) {
    if (hasErrorName(error, 'ResourceInUse')) return 'exists';
    throw error;
  }
};

const toView = (jobName: string, out: DescribeLabelingJobCommandOutput): LabelingJobView => ({
  jobName,
  status: out.LabelingJobStatus ?? 'Unknown',
  failureReason: out.FailureReason,
  outputDatasetS3Uri: out.LabelingJobOutput?.OutputDatasetS3Uri,
  s3OutputPath: out.OutputConfig?.S3OutputPath,
  labelCounters: out.LabelCounters,
  tags: out.Tags,
});

/** The job's state, or `undefined` when no such job exists (`ResourceNotFound`). */
export const describeLabelingJob = async (jobName: string): Promise<LabelingJobView | undefined> => {
  try {
    const out = await sageMaker.send(new DescribeLabelingJobCommand({ LabelingJobName: jobName }));
    return toView(jobName, out);
  } catch (error) {
    if (hasErrorName(error, 'ResourceNotFound')) return undefined;
    throw error;
  }
};

/** Asks SageMaker to stop the job; `false` when it no longer exists. */
export const stopLabelingJob = async (jobName: string): Promise<boolean> => {
  try {
    await sageMaker.send(new StopLabelingJobCommand({ LabelingJobName: jobName }));
    return true;
  } catch (error) {
    if (hasErrorName(error, 'ResourceNotFound')) return false;
    throw error;
  }
};
