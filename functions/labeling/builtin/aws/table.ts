import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { hasErrorName } from '../../../kernel/aws/sdk-errors';
import {
  IMAGE_SK_PREFIX,
  type ImageItem,
  JOBS_PK,
  type JobItem,
  jobKey,
  type LabelerItem,
  labelerKey,
  type RevocationItem,
  revocationKey,
  TABLE_INDEXES,
} from '../contracts/table-items';
import { builtinSetting } from './settings';

/**
 * `LabelingTable`: single-item reads and conditional single-item writes only (dynalite, the
 * local engine, has no transactions). The endpoint comes from `AWS_ENDPOINT_URL_DYNAMODB`.
 */
let client: DynamoDBDocumentClient | undefined;
// Created on first use, so a test may point AWS_ENDPOINT_URL_DYNAMODB at dynalite before it.
const documents = (): DynamoDBDocumentClient => {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 5 }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return client;
};

const table = (): string => builtinSetting('LABELING_TABLE');

export const isConditionFailure = (error: unknown): boolean => hasErrorName(error, 'ConditionalCheckFailedException');

const getItem = async <T>(key: Record<string, string>): Promise<T | undefined> => {
  const out = await documents().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }));
  return out.Item as T | undefined;
};

export const getJob = (jobId: string) => getItem<JobItem>(jobKey(jobId));
export const getImage = (jobId: string, taskId: string) =>
  getItem<ImageItem>({ pk: `JOB#${jobId}`, sk: `${IMAGE_SK_PREFIX}${taskId}` });
export const getLabeler = (jobId: string, sub: string) => getItem<LabelerItem>(labelerKey(jobId, sub));

/** Creates the job item; `false` when one already exists. */
export const putJobIfAbsent = async (job: JobItem): Promise<boolean> => {
  try {
    await documents().send(
      new PutCommand({ TableName: table(), Item: job, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** A conditional update; `false` when its condition did not hold. */
export const updateIf = async (input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> => {
  try {
    await documents().send(new UpdateCommand({ TableName: table(), ...input }));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** An update returning the item's new attributes. */
export const updateReturning = async <T>(input: Omit<UpdateCommandInput, 'TableName'>): Promise<T> => {
  const out = await documents().send(new UpdateCommand({ TableName: table(), ReturnValues: 'ALL_NEW', ...input }));
  return out.Attributes as T;
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const BATCH_WRITE_SIZE = 25;
const MAX_UNPROCESSED_ROUNDS = 10;

/** Writes up to 25 items, re-sending what DynamoDB left unprocessed with backoff. */
export const batchPut = async (items: readonly Record<string, unknown>[]): Promise<void> => {
  let pending = items.map((Item) => ({ PutRequest: { Item } }));
  for (let round = 0; pending.length > 0; round++) {
    if (round === MAX_UNPROCESSED_ROUNDS) {
      throw new Error(`DynamoDB left ${pending.length} items unprocessed after ${round} rounds`);
    }
    if (round > 0) await pause(Math.min(2000, 50 * 2 ** round));
    const out = await documents().send(new BatchWriteCommand({ RequestItems: { [table()]: pending } }));
    pending = (out.UnprocessedItems?.[table()] ?? []) as typeof pending;
  }
};

export interface Page<T> {
  items: T[];
  next?: Record<string, unknown>;
}

const query = async <T>(input: Omit<QueryCommandInput, 'TableName'>): Promise<Page<T>> => {
  const out = await documents().send(new QueryCommand({ TableName: table(), ...input }));
  return { items: (out.Items ?? []) as T[], next: out.LastEvaluatedKey };
};

/** One page of the job's images that still need answers, from `fromSort` (exclusive) on. */
export const queryOpenImages = (jobId: string, fromSort: string, limit: number) =>
  query<Pick<ImageItem, 'taskId' | 'answerCount' | 'answeredBy' | 'skippedBy' | 'leases' | 'version'>>({
    IndexName: TABLE_INDEXES.openImages,
    KeyConditionExpression: 'openJob = :job AND openSort > :from',
    ExpressionAttributeValues: { ':job': jobId, ':from': fromSort },
    Limit: limit,
  });

/** One page of the job's image items, in manifest order. */
export const queryImages = (jobId: string, start?: Record<string, unknown>, limit = 500) =>
  query<ImageItem>({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :img)',
    ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':img': IMAGE_SK_PREFIX },
    ExclusiveStartKey: start,
    Limit: limit,
  });

/** Every job item, newest first, page by page. */
export async function* allJobs(): AsyncGenerator<JobItem> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await query<JobItem>({
      IndexName: TABLE_INDEXES.jobs,
      KeyConditionExpression: 'jobsPk = :jobs',
      ExpressionAttributeValues: { ':jobs': JOBS_PK },
      ScanIndexForward: false,
      ExclusiveStartKey: start,
    });
    yield* page.items;
    start = page.next;
  } while (start);
}

/** The revocation of a labeler's sessions (sign-out, removal), if any. */
export const getRevocation = (sub: string) => getItem<RevocationItem>(revocationKey(sub));

/** Ends a labeler's sessions signed in up to `item.revokedAt`; the latest revocation replaces an earlier one. */
export const putRevocation = async (item: RevocationItem): Promise<void> => {
  await documents().send(new PutCommand({ TableName: table(), Item: item }));
};
