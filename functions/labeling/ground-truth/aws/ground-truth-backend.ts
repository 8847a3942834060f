import { jobBackend } from '../../aws/job-backend';
import { isStoppable, type LabelingJobView, labelingOutcome } from '../rules/ground-truth-outcome';
import { isTaggedWithRun } from '../rules/labeling-job-request';
import { describeLabelingJob, stopLabelingJob } from './labeling-jobs';

/**
 * SageMaker Ground Truth: CreateLabelingJob; its state-change event resumes the run (labeling-job-events).
 * The run tag guards a foreign job. An abandoned job's token stays: the Stopped event that follows removes it.
 */
export const groundTruthBackend = jobBackend<LabelingJobView>({
  name: 'ground-truth',
  noun: 'labeling job',
  find: describeLabelingJob,
  outcome: labelingOutcome,
  isOfRun: (job, runId) => isTaggedWithRun(job.tags, runId),
  isStoppable: (job) => isStoppable(job.status),
  stop: (job) => stopLabelingJob(job.jobName),
  // StopLabelingJob's ResourceNotFound: the job was deleted between the describe and the stop.
  stopMissed: 'no-job',
});
