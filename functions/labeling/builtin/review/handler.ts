import { loadSettings } from '../../../kernel/config';
import { parseS3Uri } from '../../../kernel/rules/s3-uri';
import { ApiError, httpRoute } from '../aws/http-route';
import { presignRead } from '../aws/presign';
import { sessions } from '../aws/sessions';
import { getJob } from '../aws/table';
import type { JobItem } from '../contracts/table-items';
import type { JobOutputContext } from '../rules/job-output';
import { REVIEW_PAGE_SIZE } from './contracts';
import { ReviewPager, readReviewLine, readWorkerAnswers, rejectionsBySource, taskIdOf } from './rules';
import { finalLines, finalResponses, liveImage, liveLines, readRejections } from './store';

/** The environment variables these functions read; a missing one fails the cold start. */
export const SETTINGS = [
  'LABELING_TABLE',
  'DATA_BUCKET',
  'ADMIN_GROUP',
  'PRESIGN_SECONDS',
  'CONSOLIDATION_IOU_THRESHOLD',
] as const;
const settings = loadSettings(SETTINGS);

/**
 * The review page's API (admins, read-only): a job's consolidated boxes, the conversion's
 * rejections and every labeler's answer. A finalized job is read from what the run wrote to S3;
 * an open one from its answers so far, consolidated as finalization would.
 */

const jobOf = async (jobId: string): Promise<JobItem> => {
  const job = await getJob(jobId);
  if (!job) throw new ApiError(404, 'JOB_NOT_FOUND', `no labeling job ${jobId}`);
  return job;
};

/** A completed job has written its output; any other one is reviewed on its answers so far. */
const isLive = (job: JobItem): boolean => job.status !== 'completed';

const notReady = (job: JobItem): ApiError =>
  new ApiError(404, 'REVIEW_NOT_READY', `job ${job.jobId} is completed but its output manifest is missing`);

const contextOf = (job: JobItem): JobOutputContext => ({
  jobName: job.jobId,
  labelAttributeName: job.labelAttributeName,
  labels: job.labels,
  issuer: '',
  iouThreshold: settings.CONSOLIDATION_IOU_THRESHOLD,
});

const linesOf = async (job: JobItem, now: Date): Promise<AsyncIterable<string>> => {
  const lines = await finalLines(job);
  if (lines) return lines;
  if (!isLive(job)) throw notReady(job);
  return liveLines(job, contextOf(job), now);
};

/** A presigned GET of an uploaded image in the data bucket; empty for any other location (never sign someone else's bucket). */
const imageUrl = async (sourceRef: string, now: Date): Promise<string> => {
  if (!sourceRef.startsWith('s3://')) return '';
  const { bucket, key } = parseS3Uri(sourceRef);
  if (bucket !== settings.DATA_BUCKET || !key.startsWith('incoming/')) return '';
  return (await presignRead(bucket, key, now, settings.PRESIGN_SECONDS)).url;
};

/** `GET /api/jobs/{jobId}/review`: one page of the job's images, filtered, with counts over all of them. */
export const reviewJob = httpRoute(
  'reviewJob',
  settings,
  async ({ params, query, now }) => {
    const job = await jobOf(params.jobId);
    const lines = await linesOf(job, now);
    const rejections = rejectionsBySource(await readRejections(job));
    const pager = new ReviewPager(query, REVIEW_PAGE_SIZE);
    let index = 0;
    for await (const line of lines) {
      const item = readReviewLine(line, index, job.labelAttributeName);
      pager.add({ ...item, rejections: rejections.get(item.sourceRef) ?? [] });
      index += 1;
    }
    const items = await Promise.all(
      pager.page.map(async (item) => ({ ...item, imageUrl: await imageUrl(item.sourceRef, now) })),
    );
    return {
      jobId: job.jobId,
      title: job.title,
      labels: job.labels,
      workersPerObject: job.workersPerObject,
      partial: isLive(job),
      filter: query.filter,
      counts: pager.counts,
      items,
      nextCursor: pager.nextCursor,
    };
  },
  sessions,
);

/** Line `index` of a finalized job's output manifest, with its worker responses; undefined past the end. */
const finalImage = async (job: JobItem, lines: AsyncIterable<string>, index: number) => {
  let at = 0;
  for await (const line of lines) {
    if (at === index) return { line, responses: await finalResponses(job, index) };
    at += 1;
  }
  return undefined;
};

const imageOf = async (job: JobItem, index: number, now: Date) => {
  const lines = await finalLines(job);
  if (lines) return finalImage(job, lines, index);
  if (!isLive(job)) throw notReady(job);
  return liveImage(job, taskIdOf(index), contextOf(job), now);
};

/** `GET /api/jobs/{jobId}/review/{taskId}`: one image, every labeler's boxes next to the consolidated ones. */
export const reviewImage = httpRoute(
  'reviewImage',
  settings,
  async ({ params, now }) => {
    const job = await jobOf(params.jobId);
    const index = Number(params.taskId);
    const found = await imageOf(job, index, now);
    if (found === undefined)
      throw new ApiError(404, 'TASK_NOT_FOUND', `job ${job.jobId} has no image ${params.taskId}`);
    const item = readReviewLine(found.line, index, job.labelAttributeName);
    const report = await readRejections(job);
    return {
      labels: job.labels,
      item: {
        ...item,
        rejections: rejectionsBySource(report).get(item.sourceRef) ?? [],
        imageUrl: await imageUrl(item.sourceRef, now),
      },
      answers: found.responses.flatMap(readWorkerAnswers),
    };
  },
  sessions,
);
