import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { s3 } from '../../kernel/aws/s3-client';
import { putJson, readJsonIfExists } from '../../kernel/aws/s3-objects';
import { InvalidInput } from '../../kernel/errors';
import { TaskTokenRecord } from '../contracts/task-token-record';

/**
 * Task tokens live in the data bucket under a private prefix, keyed by the lower-case labeling
 * job name: S3 holds a 2 KB token as easily as a table would, and the bucket already exists.
 */
const TASK_TOKEN_PREFIX = 'task-tokens/';

const taskTokenKey = (jobName: string): string => `${TASK_TOKEN_PREFIX}${jobName.toLowerCase()}.json`;

export const putTaskToken = (bucket: string, jobName: string, record: TaskTokenRecord): Promise<void> =>
  putJson(bucket, taskTokenKey(jobName), TaskTokenRecord.parse(record));

/** The stored record, or `undefined` when this job has none (not ours, or already resumed). */
export const getTaskToken = async (bucket: string, jobName: string): Promise<TaskTokenRecord | undefined> => {
  const key = taskTokenKey(jobName);
  try {
    return await readJsonIfExists(bucket, key, TaskTokenRecord);
  } catch (error) {
    if (error instanceof InvalidInput) throw new Error(`task token record ${key} is malformed: ${error.message}`);
    throw error;
  }
};

export const deleteTaskToken = async (bucket: string, jobName: string): Promise<void> => {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: taskTokenKey(jobName) }));
};

export interface StoredTaskToken {
  jobName: string;
  lastModified: Date;
}

const TOKEN_KEY = /^task-tokens\/([^/]+)\.json$/;

/** Every stored token with the time it was written, page by page (1,000 keys a page). */
export async function* listTaskTokens(bucket: string): AsyncGenerator<StoredTaskToken> {
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: TASK_TOKEN_PREFIX, ContinuationToken }),
    );
    for (const item of page.Contents ?? []) {
      const jobName = TOKEN_KEY.exec(item.Key ?? '')?.[1];
      if (jobName !== undefined && item.LastModified !== undefined) yield { jobName, lastModified: item.LastModified };
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
}
