import { createInterface } from 'node:readline';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3 } from '../../../kernel/aws/s3-client';
import { getText, getTextIfExists, listObjects, openStream } from '../../../kernel/aws/s3-objects';
import { config } from '../../../kernel/config';
import { joinKey, parseS3Uri } from '../../../kernel/rules/s3-uri';
import type { JobItem } from '../contracts/table-items';

/** Where a finalized job's files are: Ground Truth's output layout under the job's outputPath. */
export const jobFiles = (job: JobItem) => {
  const { bucket, key: outputPrefix } = parseS3Uri(job.outputPath);
  const jobPrefix = joinKey(outputPrefix, `${job.jobId}/`);
  return {
    bucket,
    manifestKey: joinKey(jobPrefix, 'manifests/output/output.manifest'),
    workerResponsePrefix: (index: number) => joinKey(jobPrefix, `annotations/worker-response/iteration-1/${index}/`),
    reportKey: joinKey(job.runPrefix, 'dataset/report.json'),
  };
};

/** The output manifest's lines in order (blank lines skipped), streamed; undefined when it does not exist yet. */
export const outputLines = async (job: JobItem): Promise<AsyncIterable<string> | undefined> => {
  const { bucket, manifestKey } = jobFiles(job);
  let stream: Awaited<ReturnType<typeof openStream>>;
  try {
    stream = await openStream(bucket, manifestKey);
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey' || (error as { name?: string }).name === 'NotFound') {
      return undefined;
    }
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

export const readReport = async (job: JobItem): Promise<unknown> => {
  const { bucket, reportKey } = jobFiles(job);
  const text = await getTextIfExists(bucket, reportKey);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Every worker-response document of one image (one per finalization; normally one). */
export const readWorkerResponses = async (job: JobItem, index: number): Promise<unknown[]> => {
  const { bucket, workerResponsePrefix } = jobFiles(job);
  const documents: unknown[] = [];
  for await (const object of listObjects(bucket, workerResponsePrefix(index))) {
    if (!object.key.endsWith('.json')) continue;
    documents.push(JSON.parse(await getText(bucket, object.key)));
  }
  return documents;
};

/** A presigned GET of an image in the data bucket; empty for any other location (never sign someone else's bucket). */
export const presignImage = async (sourceRef: string, dataBucket: string): Promise<string> => {
  if (!sourceRef.startsWith('s3://')) return '';
  const { bucket, key } = parseS3Uri(sourceRef);
  if (bucket !== dataBucket) return '';
  return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: config.PRESIGN_SECONDS });
};
