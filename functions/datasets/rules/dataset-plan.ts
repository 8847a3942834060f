import { DatasetCreationFailed } from '../../kernel/errors';
import { parseS3Uri } from '../../kernel/rules/s3-uri';

/** A project holds at most one TRAIN and one TEST dataset (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_CreateDataset.html). */
export type DatasetType = 'TRAIN' | 'TEST';

/** A dataset as DescribeProjects lists it. */
export interface ExistingDataset {
  type?: string;
  arn?: string;
}

/**
 * The datasets a project already holds, by type. The project belongs to one run, so any dataset
 * in it was created by an earlier attempt of this run: it is reused, never replaced or deleted.
 */
export const existingDatasetArns = (datasets: readonly ExistingDataset[]): Partial<Record<DatasetType, string>> => {
  const found: Partial<Record<DatasetType, string>> = {};
  for (const { type, arn } of datasets) {
    if (arn && (type === 'TRAIN' || type === 'TEST') && found[type] === undefined) found[type] = arn;
  }
  return found;
};

/**
 * `DatasetSource.GroundTruthManifest.S3Object` for a manifest URI. The bucket must be in the
 * project's region and hold the images too (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_CreateDataset.html). Throws a `RangeError` on a URI
 * that is not `s3://bucket/key` with a key.
 */
export const manifestObject = (uri: string): { Bucket: string; Name: string } => {
  const { bucket, key } = parseS3Uri(uri);
  if (!key) throw new RangeError(`manifest URI has no object key: ${JSON.stringify(uri)}`);
  return { Bucket: bucket, Name: key };
};

/** One dataset's status as DescribeDataset reports it. */
export interface DatasetStatusView {
  type: DatasetType;
  status?: string;
  statusMessage?: string;
  statusMessageCode?: string;
}

/** What CheckDatasets does next. */
export type DatasetProgress =
  | { outcome: 'ready' }
  | { outcome: 'pending' }
  | { outcome: 'failed'; dataset: DatasetStatusView }
  | { outcome: 'timed-out'; pending: DatasetStatusView[] };

/** Statuses after which the dataset can be trained on (an UPDATE follows DistributeDatasetEntries). */
const READY = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE']);
/** Terminal statuses: the dataset will never become ready (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DescribeDataset.html, DescribeDataset). */
const FAILED = new Set(['CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_IN_PROGRESS']);

/**
 * Decides the next step after the `attempts`-th poll: a failed dataset wins, then both ready,
 * then the poll limit (`attempts >= maxPolls`), else wait and poll again. Unknown statuses wait,
 * bounded by the poll limit.
 */
export const datasetProgress = (
  datasets: readonly DatasetStatusView[],
  attempts: number,
  maxPolls: number,
): DatasetProgress => {
  const failed = datasets.find((d) => d.status !== undefined && FAILED.has(d.status));
  if (failed) return { outcome: 'failed', dataset: failed };
  const pending = datasets.filter((d) => d.status === undefined || !READY.has(d.status));
  if (pending.length === 0) return { outcome: 'ready' };
  return attempts >= maxPolls ? { outcome: 'timed-out', pending } : { outcome: 'pending' };
};

/** What to tell the user about a status message code (SUCCESS | SERVICE_ERROR | CLIENT_ERROR). */
const ADVICE: Record<string, string> = {
  CLIENT_ERROR: 'fix the manifest (see the dataset report) and run the batch again',
  SERVICE_ERROR: 'this is a Rekognition service error; run the batch again later',
};

/** The message of `DatasetCreationFailed` for a dataset in a terminal status. */
export const describeDatasetFailure = (dataset: DatasetStatusView, manifestUri?: string): string => {
  const code = dataset.statusMessageCode ? `, ${dataset.statusMessageCode}` : '';
  const detail = dataset.statusMessage ? `: ${dataset.statusMessage}` : '';
  const source = manifestUri ? ` from ${manifestUri}` : '';
  const advice = ADVICE[dataset.statusMessageCode ?? ''] ?? 'check the dataset in the Rekognition console';
  return `Rekognition could not create the ${dataset.type} dataset${source} (${dataset.status}${code})${detail}; ${advice}`;
};

/** The message of `DatasetCreationFailed` when the poll limit is reached. */
export const describeDatasetTimeout = (pending: readonly DatasetStatusView[], attempts: number): string => {
  const states = pending.map((d) => `${d.type} ${d.status ?? 'unknown'}`).join(', ');
  return `Rekognition did not finish creating the datasets after ${attempts} polls (${states}); they are left in place, check them in the Rekognition console`;
};

/**
 * Rekognition trains only with a non-empty TRAIN and TEST dataset (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_CreateProjectVersion.html); an empty
 * manifest would fail the import with a less helpful message, so the run fails before it.
 */
export const requireBothSplits = (split: { train: number; test: number; reportUri: string }): void => {
  const empty = [split.train === 0 && 'train', split.test === 0 && 'test'].filter(Boolean);
  if (empty.length === 0) return;
  throw new DatasetCreationFailed(
    `the ${empty.join(' and ')} split has no image, so Rekognition cannot create the datasets; ` +
      `add images for the labels with the fewest images (see ${split.reportUri})`,
    { train: split.train, test: split.test },
  );
};
