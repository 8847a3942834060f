import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { putJson, uploadStream } from '../../../kernel/aws/s3-objects';
import { loadSettings } from '../../../kernel/config';
import { eventConsumer, logger } from '../../../kernel/observability';
import { describeIssues } from '../../../kernel/parse';
import { toS3Uri } from '../../../kernel/rules/s3-uri';
import { deliverOutcome } from '../../aws/labeling-callbacks';
import { deleteTaskToken, getTaskToken } from '../../aws/task-tokens';
import { workerResponseKey } from '../../contracts/labeling-output/layout';
import { writeJobOutput } from '../aws/finalize-output';
import { getJob, queryImages, updateIf } from '../aws/table';
import { ReadyEvent } from '../contracts/ready-event';
import { type ImageItem, type JobItem, jobKey } from '../contracts/table-items';
import { builtinOutcome } from '../rules/builtin-outcome';
import { STALE_FINALIZING_MS } from '../rules/job-expiry';
import { creationDate } from '../rules/job-output';
import { jobOutputKeys } from '../rules/job-plan';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = [
  'DATA_BUCKET',
  'LABELING_TABLE',
  'USER_POOL_ID',
  'CONSOLIDATION_IOU_THRESHOLD',
  'FINALIZE_CONCURRENCY',
  'AWS_REGION',
  'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
] as const;
const settings = loadSettings(SETTINGS);

export type FinalizeHandling =
  | { action: 'ignored'; reason: 'malformed' | 'no-job' | 'not-open' }
  | { action: 'finalized'; jobId: string; resumed: 'delivered' | 'already-closed' | 'no-token'; labeled: number };

const claimFinalization = (job: JobItem, reason: string, now: Date): Promise<boolean> =>
  updateIf({
    Key: jobKey(job.jobId),
    UpdateExpression:
      'SET #status = :finalizing, finalizingSince = :now, finalReason = :reason, version = version + :one',
    ConditionExpression: '#status = :open OR (#status = :finalizing AND finalizingSince < :stale)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':finalizing': 'finalizing',
      ':open': 'open',
      ':now': now.toISOString(),
      ':stale': new Date(now.getTime() - STALE_FINALIZING_MS).toISOString(),
      ':reason': reason,
      ':one': 1,
    },
  });

async function* imagePages(jobId: string): AsyncGenerator<ImageItem[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await queryImages(jobId, start);
    yield page.items;
    start = page.next;
  } while (start);
}

const issuer = (): string => {
  const pool = settings.USER_POOL_ID;
  const endpoint = settings.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER;
  return endpoint
    ? `${endpoint.replace(/\/$/, '')}/${pool}`
    : `https://cognito-idp.${settings.AWS_REGION}.amazonaws.com/${pool}`;
};

/** Writes output.manifest (streamed) and the worker responses, and returns the counters. */
const writeOutput = async (job: JobItem, at: Date) => {
  const keys = jobOutputKeys(job.runPrefix, job.jobId);
  const body = new PassThrough();
  const upload = uploadStream(job.bucket, keys.manifest, body, 'application/jsonlines');
  // A failed upload destroys the stream, which rejects a pending `drain` wait with its error.
  upload.catch((error: Error) => body.destroy(error));
  const writeLine = async (line: string) => {
    if (body.destroyed) throw body.errored ?? new Error('the output manifest upload stopped');
    if (!body.write(line)) await once(body, 'drain');
  };
  const counters = await writeJobOutput(
    {
      pages: imagePages(job.jobId),
      writeLine,
      putWorkerResponse: (index, document) => putJson(job.bucket, workerResponseKey(keys.prefix, index, at), document),
      concurrency: settings.FINALIZE_CONCURRENCY,
    },
    {
      jobName: job.jobId,
      labelAttributeName: job.labelAttributeName,
      labels: job.labels,
      issuer: issuer(),
      iouThreshold: settings.CONSOLIDATION_IOU_THRESHOLD,
    },
    at,
  ).catch((error) => {
    body.destroy(error as Error);
    throw error;
  });
  body.end();
  await upload;
  return { counters, manifestUri: toS3Uri({ bucket: job.bucket, key: keys.manifest }) };
};

/**
 * A job is ready (complete, closed or expired): one conditional status change makes one winner,
 * which writes the Ground Truth-format output, marks the job completed, and resumes the run by
 * its stored token with the same LabelingResult Ground Truth's path gives (or NothingLabeled).
 * On an error the job goes back to open, so Lambda's retry (or the next request) tries again.
 */
export const finalizeBuiltinJob = async (event: unknown): Promise<FinalizeHandling> => {
  const parsed = ReadyEvent.safeParse(event);
  if (!parsed.success) {
    logger.warn('ignored malformed ready event', { issues: describeIssues(parsed.error) });
    return { action: 'ignored', reason: 'malformed' };
  }
  const { jobId, reason } = parsed.data.detail;
  logger.appendKeys({ jobId });
  const job = await getJob(jobId);
  if (job === undefined) return { action: 'ignored', reason: 'no-job' };
  const now = new Date();
  if (!(await claimFinalization(job, reason, now))) return { action: 'ignored', reason: 'not-open' };
  let output: Awaited<ReturnType<typeof writeOutput>>;
  try {
    output = await writeOutput(job, now);
  } catch (error) {
    await updateIf({
      Key: jobKey(jobId),
      UpdateExpression: 'SET #status = :open REMOVE finalizingSince',
      ConditionExpression: '#status = :finalizing',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':open': 'open', ':finalizing': 'finalizing' },
    });
    throw error;
  }
  await updateIf({
    Key: jobKey(jobId),
    UpdateExpression:
      'SET #status = :completed, outputManifestS3Uri = :uri, labelCounters = :counters, completedAt = :at, version = version + :one',
    ConditionExpression: '#status = :finalizing',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':completed': 'completed',
      ':uri': output.manifestUri,
      ':counters': output.counters,
      ':at': creationDate(new Date()),
      ':finalizing': 'finalizing',
      ':one': 1,
    },
  });
  const resumed = await resume(jobId, output.manifestUri, output.counters);
  logger.info('built-in job finalized', { reason, resumed, ...output.counters });
  return { action: 'finalized', jobId, resumed, labeled: output.counters.TotalLabeled };
};

const resume = async (jobId: string, uri: string, counters: Record<string, number>) => {
  const bucket = settings.DATA_BUCKET;
  const token = await getTaskToken(bucket, jobId);
  if (token === undefined) return 'no-token' as const;
  const outcome = builtinOutcome({ jobId, status: 'completed', outputManifestS3Uri: uri, labelCounters: counters });
  if (outcome.kind === 'running') throw new Error('a completed job cannot be running');
  const result = await deliverOutcome(token.taskToken, outcome);
  await deleteTaskToken(bucket, jobId);
  return result;
};

export const handler = eventConsumer(finalizeBuiltinJob);
