import { createInterface } from 'node:readline';
import { openStream, putJson, readJson } from '../../../kernel/aws/s3-objects';
import { InvalidInput } from '../../../kernel/errors';
import { logger } from '../../../kernel/observability';
import { runFileKey } from '../../../kernel/rules/run-files';
import { parseS3Uri } from '../../../kernel/rules/s3-uri';
import * as z from '../../../kernel/schema';
import { ImageVerdict } from '../../../validation/contracts/validation-report';
import type { LabelingStarter, StarterSettings } from '../../aws/labeling-backend';
import { deliverOutcome } from '../../aws/labeling-callbacks';
import { deleteTaskToken } from '../../aws/task-tokens';
import type { StartLabelingJobInput } from '../../contracts/labeling-steps';
import type { BuiltinJobRecord } from '../contracts/builtin-job-record';
import type { ImageItem, JobItem } from '../contracts/table-items';
import { builtinOutcome } from '../rules/builtin-outcome';
import { DEFAULT_AVAILABILITY_SECONDS, type Dimensions, planImageItem, planJobItem } from '../rules/job-plan';
import {
  BATCH_WRITE_SIZE,
  batchPut,
  getJob,
  type LabelingTable,
  labelingTable,
  putJobIfAbsent,
  updateIf,
} from './table';

const LabelCategories = z.object({ labels: z.array(z.object({ label: z.string() })).check(z.minLength(1)) });
const ReportDimensions = z.object({
  images: z.array(z.pick(ImageVerdict, { key: true, verdict: true, width: true, height: true })),
});

const readJsonAt = <S extends z.ZodMiniType>(uri: string, schema: S, what: string): Promise<z.infer<S>> => {
  const { bucket, key } = parseS3Uri(uri);
  return readJson(bucket, key, schema, what);
};

/** Accepted images' widths and heights from validation.json, by key. */
const readDimensions = async (reportUri: string): Promise<Map<string, Dimensions>> => {
  const report = await readJsonAt(reportUri, ReportDimensions, 'validation.json');
  const sizes = new Map<string, Dimensions>();
  for (const image of report.images) {
    if (image.verdict === 'accepted' && image.width !== null && image.height !== null) {
      sizes.set(image.key, { width: image.width, height: image.height });
    }
  }
  return sizes;
};

/** The input manifest's source-refs, in order, read line by line. */
async function* manifestSourceRefs(manifestUri: string): AsyncGenerator<string> {
  const { bucket, key } = parseS3Uri(manifestUri);
  const lines = createInterface({ input: await openStream(bucket, key), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const ref = (JSON.parse(line) as { 'source-ref'?: unknown })['source-ref'];
    if (typeof ref !== 'string')
      throw new InvalidInput(`input manifest line without source-ref: ${line.slice(0, 200)}`);
    yield ref;
  }
}

/**
 * BatchWrites in flight at once: a 250,000-image job is 10,000 calls of 25 items, which one at a
 * time would take minutes of the function's 300 s; four at a time stay well inside it.
 */
export const WRITES_IN_FLIGHT = 4;

/**
 * Writes one image item per manifest line, 25 to a BatchWrite, `WRITES_IN_FLIGHT` BatchWrites at
 * a time; memory holds at most 100 items. Re-running rewrites the same items.
 */
const writeImages = async (
  table: LabelingTable,
  jobId: string,
  manifestUri: string,
  sizes: Map<string, Dimensions>,
): Promise<number> => {
  let batches: ImageItem[][] = [];
  let batch: ImageItem[] = [];
  let index = 0;
  const flush = async () => {
    await Promise.all(batches.map((items) => batchPut(table, items)));
    batches = [];
  };
  for await (const ref of manifestSourceRefs(manifestUri)) {
    batch.push(planImageItem(jobId, index, ref, sizes));
    index += 1;
    if (batch.length === BATCH_WRITE_SIZE) {
      batches.push(batch);
      batch = [];
    }
    if (batches.length === WRITES_IN_FLIGHT) await flush();
  }
  if (batch.length > 0) batches.push(batch);
  await flush();
  return index;
};

const recordOf = (
  input: StartLabelingJobInput,
  job: JobItem,
  reusedExistingJob: boolean,
  settings: StarterSettings,
): BuiltinJobRecord => ({
  backend: 'builtin',
  jobName: job.jobId,
  runId: job.runId,
  region: settings.AWS_REGION,
  table: settings.LABELING_TABLE,
  labelAttributeName: job.labelAttributeName,
  inputManifestUri: input.manifest.manifestUri,
  labelCategoryConfigUri: input.manifest.labelCategoryConfigUri,
  outputPath: job.outputPath,
  imageCount: job.imageCount,
  workersPerObject: job.workersPerObject,
  taskTimeLimitSeconds: job.taskTimeLimitSeconds,
  taskAvailabilityLifetimeSeconds: input.run.taskAvailabilityLifetimeSeconds ?? DEFAULT_AVAILABILITY_SECONDS,
  expiresAt: job.expiresAt,
  ...(job.labelerGroup === undefined ? {} : { labelerGroup: job.labelerGroup }),
  reusedExistingJob,
});

/** A retried start found the job: another run's is a name clash; one that already ended resumes the run now. */
const adopt = async (input: StartLabelingJobInput, job: JobItem, tokenBucket: string): Promise<'continue' | 'done'> => {
  const { run } = input;
  if (job.runId !== run.runId) {
    await deleteTaskToken(tokenBucket, run.jobName);
    throw new InvalidInput(`built-in labeling job ${run.jobName} belongs to run ${job.runId}, not ${run.runId}`, {
      jobName: run.jobName,
    });
  }
  const outcome = builtinOutcome(job);
  logger.info('adopted existing built-in job', { jobName: run.jobName, status: job.status });
  if (outcome.kind === 'running') return job.imagesWritten ? 'done' : 'continue';
  await deliverOutcome(input.taskToken, outcome);
  await deleteTaskToken(tokenBucket, run.jobName);
  return 'done';
};

/** The stack's own backend: tasks in LabelingTable, labelers through the HTTP API, finalizeBuiltinJob resumes the run. */
export const builtinStart: LabelingStarter = {
  name: 'builtin',

  async start(input, storeToken, settings) {
    const { run, manifest, validation } = input;
    const table = labelingTable(settings);
    const categories = await readJsonAt(manifest.labelCategoryConfigUri, LabelCategories, 'label categories');
    const labels = categories.labels.map((l) => l.label);
    const planned = planJobItem(run, labels, manifest.objects, new Date());
    await storeToken();
    const created = await putJobIfAbsent(table, planned);
    const existing = created ? planned : await getJob(table, run.jobName);
    if (existing === undefined) throw new Error(`job ${run.jobName} vanished while starting`);
    if (!created && (await adopt(input, existing, settings.DATA_BUCKET)) === 'done') {
      await putJson(run.bucket, runFileKey(run.runPrefix, 'labelingJob'), recordOf(input, existing, true, settings));
      return { jobName: run.jobName, backend: 'builtin', autoLabeling: false, reusedExistingJob: true };
    }
    const written = await writeImages(
      table,
      run.jobName,
      manifest.manifestUri,
      await readDimensions(validation.reportUri),
    );
    await updateIf(table, {
      Key: { pk: existing.pk, sk: existing.sk },
      UpdateExpression: 'SET imagesWritten = :yes, imageCount = :n, version = version + :one',
      ExpressionAttributeValues: { ':yes': true, ':n': written, ':one': 1 },
    });
    await putJson(run.bucket, runFileKey(run.runPrefix, 'labelingJob'), {
      ...recordOf(input, { ...existing, imageCount: written }, !created, settings),
    });
    logger.info('built-in labeling job started', { jobName: run.jobName, images: written, reused: !created });
    return { jobName: run.jobName, backend: 'builtin', autoLabeling: false, reusedExistingJob: !created };
  },
};
