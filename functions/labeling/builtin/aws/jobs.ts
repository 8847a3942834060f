import type { Job, Progress } from '../contracts/api';
import type { JobItem, LabelerItem } from '../contracts/table-items';
import { type Caller, mayWorkOn } from '../rules/caller';
import { ApiError } from './http-route';
import { getJob, getLabeler, type LabelingTable } from './table';

/** The job as a labeler sees it, with their own count of answers. */
export const jobView = (job: JobItem, labeler: Pick<LabelerItem, 'answers'> | undefined): Job => ({
  jobId: job.jobId,
  runId: job.runId,
  title: job.title,
  labels: job.labels,
  instructions: job.instructions,
  status: job.status,
  imageCount: job.imageCount,
  workersPerObject: job.workersPerObject,
  answersReceived: job.answersReceived,
  answersNeeded: job.imageCount * job.workersPerObject,
  imagesComplete: job.imagesComplete,
  myAnswers: labeler?.answers ?? 0,
  createdAt: job.createdAt,
  expiresAt: job.expiresAt,
  taskTimeLimitSeconds: job.taskTimeLimitSeconds,
  ...(job.labelerGroup === undefined ? {} : { labelerGroup: job.labelerGroup }),
});

export const progressOf = (job: JobItem, myAnswers: number): Progress => ({
  answersReceived: job.answersReceived,
  answersNeeded: job.imageCount * job.workersPerObject,
  imagesComplete: job.imagesComplete,
  imageCount: job.imageCount,
  myAnswers,
});

/**
 * The job the caller names, if they may see it: a job still being written, or one restricted
 * to a group they are not in, is answered as if it did not exist or was forbidden.
 */
export const jobFor = async (table: LabelingTable, jobId: string, caller: Caller): Promise<JobItem> => {
  const job = await getJob(table, jobId);
  if (job === undefined || !job.imagesWritten) throw new ApiError(404, 'JOB_NOT_FOUND', `no job ${jobId}`, 'jobId');
  if (!mayWorkOn(job, caller)) {
    throw new ApiError(403, 'NOT_IN_GROUP', `job ${jobId} is for the group ${job.labelerGroup} only`, 'jobId');
  }
  return job;
};

export const labelerOf = (table: LabelingTable, jobId: string, sub: string) => getLabeler(table, jobId, sub);
