import { batchPut } from '../../../functions/labeling/builtin/aws/table';
import type { JobItem } from '../../../functions/labeling/builtin/contracts/table-items';
import { planImageItem, planJobItem } from '../../../functions/labeling/builtin/rules/job-plan';
import {
  createBuiltinTables,
  type LocalDynamoDb,
  startDynamoDb,
} from '../../../local-runtime/stand-ins/dynamodb-local';

/**
 * The real table shape (infra/builtin-labeling.yml) in dynalite, for handler tests of the
 * built-in backend: conditional writes and the sparse index behave as DynamoDB's do.
 */
export const TABLE = process.env.LABELING_TABLE as string;
export const BUCKET = 'labeling-pipeline-test-data';

export const startTable = async (): Promise<LocalDynamoDb> => {
  const db = await startDynamoDb();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
  await createBuiltinTables(db, { LabelingTable: TABLE });
  return db;
};

export interface SeedOptions {
  images?: number;
  workersPerObject?: number;
  labelerGroup?: string;
  taskTimeLimitSeconds?: number;
  now?: Date;
  examples?: JobItem['examples'];
}

/** A job with `images` images of 640x480, written as the backend's start writes them. */
export const seedJob = async (jobId: string, options: SeedOptions = {}): Promise<JobItem> => {
  const count = options.images ?? 3;
  const job = planJobItem(
    {
      runId: jobId,
      jobName: jobId,
      bucket: BUCKET,
      runPrefix: `runs/${jobId}/`,
      labelAttributeName: 'bounding-box',
      taskTitle: 'Box the logos',
      taskDescription: 'Draw a box around each logo',
      workersPerObject: options.workersPerObject ?? 2,
      taskTimeLimitSeconds: options.taskTimeLimitSeconds ?? 600,
      labelerGroup: options.labelerGroup,
      examples: options.examples,
    },
    ['acme', 'globex'],
    count,
    options.now ?? new Date(),
  );
  const sizes = new Map(
    Array.from({ length: count }, (_, i) => [`incoming/${jobId}/img-${i}.jpg`, { width: 640, height: 480 }]),
  );
  const images = Array.from({ length: count }, (_, i) =>
    planImageItem(jobId, i, `s3://${BUCKET}/incoming/${jobId}/img-${i}.jpg`, sizes),
  );
  const ready = { ...job, imagesWritten: true };
  await batchPut([ready]);
  for (let i = 0; i < images.length; i += 25) await batchPut(images.slice(i, i + 25));
  return ready;
};
