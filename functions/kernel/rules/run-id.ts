import { createHash } from 'node:crypto';

/**
 * The tag that marks what a run creates (its labeling job, Rekognition project and model):
 * a retried start adopts its own job by it, and the console and Cost Explorer find a run's resources.
 */
export const RUN_ID_TAG = 'labeling-pipeline:run-id';

/** Labeling job names are 1-63 chars (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html); `checkLabelingJobName` holds the full rule. */
const MAX_RUN_ID = 63;

const shortHash = (text: string, length: number): string =>
  createHash('sha256').update(text, 'utf8').digest('hex').slice(0, length);

/** Lower-case letters, digits and single hyphens, trimmed of hyphens at both ends. */
export const slugify = (text: string): string =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/**
 * The run id, and the labeling job's name, derived from the execution name alone: the same
 * execution always gets the same id (retries never create a second job), and the
 * stop-abandoned-labeling-job handler can recompute it from an execution status event. It is
 * lower-case because SageMaker lower-cases job names in events and output (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-monitor-cloud-watch.html).
 */
export const deriveRunId = (executionName: string): string => {
  const slug = slugify(executionName);
  if (slug.length > 0 && slug.length <= MAX_RUN_ID && slug === executionName) return slug;
  // Anything changed or cut gets a hash suffix, so two different names never share a run id.
  const head = slug.slice(0, MAX_RUN_ID - 13).replace(/-+$/, '');
  return `${head.length > 0 ? head : 'run'}-${shortHash(executionName, 12)}`;
};

/** The batch name is the last folder of the prefix: `incoming/logos-2026/` -> `logos-2026`. */
export const batchOf = (prefix: string): string => {
  const segments = prefix.split('/').filter((s) => s.length > 0);
  return segments[segments.length - 1] ?? prefix;
};

/** Normalizes a batch prefix to end with exactly one `/`. */
export const normalizePrefix = (prefix: string): string => `${prefix.replace(/\/+$/, '')}/`;

/**
 * Execution name for an S3-triggered run: readable batch slug plus a hash of the object's
 * identity (bucket, key and sequencer, which S3 repeats in a duplicated event). Step Functions
 * refuses a second execution with the same name, so a duplicated event starts one run, while a
 * new upload of batch.json (new sequencer) starts a new one. Within the 80-char limit and
 * using only `[a-z0-9-]`, which CloudWatch Logs also accepts (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 */
export const executionNameForUpload = (upload: { bucket: string; key: string; version: string }): string => {
  const batch = slugify(batchOf(upload.key.replace(/\/batch\.json$/, '')))
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${batch.length > 0 ? batch : 'batch'}-${shortHash(`${upload.bucket}/${upload.key}@${upload.version}`, 16)}`;
};

/** Execution name for a CLI-started run: the batch slug plus a timestamp, readable in the console. */
export const executionNameForCli = (prefix: string, now: Date): string => {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').toLowerCase();
  const batch = slugify(batchOf(prefix)).slice(0, 50).replace(/-+$/, '');
  return `${batch.length > 0 ? batch : 'batch'}-${stamp}`;
};
