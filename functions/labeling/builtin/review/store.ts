import { createInterface } from 'node:readline';
import { DatasetReport } from '../../../conversion/contracts/dataset-report';
import { getText, listObjects, openStream, readJsonIfExists } from '../../../kernel/aws/s3-objects';
import { hasErrorName } from '../../../kernel/aws/sdk-errors';
import { InvalidInput } from '../../../kernel/errors';
import { logger } from '../../../kernel/observability';
import { runFileKey } from '../../../kernel/rules/run-files';
import * as z from '../../../kernel/schema';
import { workerResponsesPrefix } from '../../contracts/labeling-output/layout';
import { workerResponseDocument } from '../../contracts/labeling-output/worker-answers';
import { failedOutputRecord } from '../../contracts/labeling-output/write-output-line';
import { answersOf } from '../aws/finalize-output';
import { getImage, queryImages } from '../aws/table';
import type { ImageItem, JobItem } from '../contracts/table-items';
import { type JobOutputContext, outputLine } from '../rules/job-output';
import { jobOutputKeys } from '../rules/job-plan';

/**
 * What the review reads: a finalized job's output manifest, worker responses and dataset report
 * (by the run's file names), or, while the job is open, its answers so far from the table,
 * consolidated and written as output lines by the same writer finalization uses.
 */

/** The part of the dataset report the review shows, read by the report's own schema. */
const ReportRejections = z.pick(DatasetReport, { rejected: true });
export type ReportRejections = z.infer<typeof ReportRejections>;

/** Shown for an image of an open job that nobody has answered yet. */
export const NOT_ANSWERED_YET = 'no labeler has answered this image yet';

const outputKeys = (job: JobItem) => jobOutputKeys(job.runPrefix, job.jobId);

/** The output manifest's lines in order (blank lines skipped), streamed; undefined when it does not exist yet. */
export const finalLines = async (job: JobItem): Promise<AsyncIterable<string> | undefined> => {
  let stream: Awaited<ReturnType<typeof openStream>>;
  try {
    stream = await openStream(job.bucket, outputKeys(job).manifest);
  } catch (error) {
    if (hasErrorName(error, 'NoSuchKey', 'NotFound')) return undefined;
    throw error;
  }
  // The reader is made on first use: lines emitted before anyone iterates would be lost.
  return (async function* () {
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of lines) if (line.trim() !== '') yield line;
    } finally {
      lines.close();
      stream.destroy();
    }
  })();
};

/** An image's output line as it stands: the answers so far, consolidated. */
export const liveLine = (item: ImageItem, ctx: JobOutputContext, now: Date): string => {
  const image = answersOf(item);
  if (image.answers.length > 0) return outputLine(image, ctx, now).line;
  return JSON.stringify(
    failedOutputRecord({ sourceRef: item.sourceRef, attribute: ctx.labelAttributeName, reason: NOT_ANSWERED_YET }),
  );
};

/** Every image's output line as it stands, in manifest order, one table page at a time. */
export async function* liveLines(job: JobItem, ctx: JobOutputContext, now: Date): AsyncGenerator<string> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await queryImages(job.jobId, start);
    for (const item of page.items) yield liveLine(item, ctx, now);
    start = page.next;
  } while (start);
}

/** The report's rejections; undefined before the conversion ran, or (logged) when the report breaks its contract. */
export const readRejections = async (job: JobItem): Promise<ReportRejections | undefined> => {
  try {
    return await readJsonIfExists(job.bucket, runFileKey(job.runPrefix, 'datasetReport'), ReportRejections);
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    logger.warn('dataset report unreadable; the review shows no rejections', { error });
    return undefined;
  }
};

/** Every worker response of one image of a finalized job (one per finalization; normally one). */
export const finalResponses = async (job: JobItem, index: number): Promise<unknown[]> => {
  const documents: unknown[] = [];
  for await (const object of listObjects(job.bucket, workerResponsesPrefix(outputKeys(job).prefix, index))) {
    if (!object.key.endsWith('.json')) continue;
    documents.push(JSON.parse(await getText(job.bucket, object.key)));
  }
  return documents;
};

/** One image of an open job: its line and its answers so far, as worker responses; undefined past the end. */
export const liveImage = async (
  job: JobItem,
  taskId: string,
  ctx: JobOutputContext,
  now: Date,
): Promise<{ line: string; responses: unknown[] } | undefined> => {
  const item = await getImage(job.jobId, taskId);
  if (item === undefined) return undefined;
  const image = answersOf(item);
  return { line: liveLine(item, ctx, now), responses: [workerResponseDocument(image, ctx.issuer)] };
};
