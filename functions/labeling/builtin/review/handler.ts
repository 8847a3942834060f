import { loadSettings } from '../../../kernel/config';
import { getJob } from '../aws/table';
import { JobPath } from '../contracts/api';
import type { JobItem } from '../contracts/table-items';
import { REVIEW_PAGE_SIZE, ReviewItemPath, ReviewItemResponse, ReviewListResponse, ReviewQuery } from './contracts';
import { adminRoute, HttpError } from './http';
import { ReviewPager, readReviewLine, readWorkerAnswers, rejectionsBySource } from './rules';
import { outputLines, presignImage, readReport, readWorkerResponses } from './store';

/** The environment variables these functions read; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'DATA_BUCKET', 'ADMIN_GROUP', 'PRESIGN_SECONDS'] as const;
const settings = loadSettings(SETTINGS);

/**
 * The review page's API (admins, read-only): a finalized job's consolidated boxes, the
 * conversion's rejections and every labeler's answer, read from what the run wrote to S3.
 */

const finalizedJob = async (jobId: string): Promise<{ job: JobItem; lines: AsyncIterable<string> }> => {
  const job = await getJob(jobId);
  if (!job) throw new HttpError(404, 'JOB_NOT_FOUND', `no labeling job ${jobId}`);
  const lines = await outputLines(job);
  if (!lines) {
    throw new HttpError(
      404,
      'REVIEW_NOT_READY',
      `job ${jobId} is ${job.status}: its output is reviewed once the job is finalized`,
    );
  }
  return { job, lines };
};

export const reviewJob = adminRoute({
  params: JobPath,
  query: ReviewQuery,
  response: ReviewListResponse,
  async run({ params, query }) {
    const { job, lines } = await finalizedJob(params.jobId);
    const rejections = rejectionsBySource(await readReport(job));
    const pager = new ReviewPager(query, REVIEW_PAGE_SIZE);
    let index = 0;
    for await (const line of lines) {
      const item = readReviewLine(line, index, job.labelAttributeName);
      pager.add({ ...item, rejections: rejections.get(item.sourceRef) ?? [] });
      index += 1;
    }
    const bucket = settings.DATA_BUCKET;
    const items = await Promise.all(
      pager.page.map(async (item) => ({ ...item, imageUrl: await presignImage(item.sourceRef, bucket) })),
    );
    return {
      jobId: job.jobId,
      title: job.title,
      labels: job.labels,
      workersPerObject: job.workersPerObject,
      filter: query.filter,
      counts: pager.counts,
      items,
      nextCursor: pager.nextCursor,
    };
  },
});

export const reviewImage = adminRoute({
  params: ReviewItemPath,
  response: ReviewItemResponse,
  async run({ params }) {
    const { job, lines } = await finalizedJob(params.jobId);
    const wanted = Number(params.taskId);
    let index = 0;
    let found: string | undefined;
    for await (const line of lines) {
      if (index === wanted) {
        found = line;
        break;
      }
      index += 1;
    }
    if (found === undefined)
      throw new HttpError(404, 'TASK_NOT_FOUND', `job ${job.jobId} has no image ${params.taskId}`);
    const item = readReviewLine(found, wanted, job.labelAttributeName);
    const [report, responses] = await Promise.all([readReport(job), readWorkerResponses(job, wanted)]);
    return {
      labels: job.labels,
      item: {
        ...item,
        rejections: rejectionsBySource(report).get(item.sourceRef) ?? [],
        imageUrl: await presignImage(item.sourceRef, settings.DATA_BUCKET),
      },
      answers: responses.flatMap(readWorkerAnswers),
    };
  },
});
