import { batchOf } from '../../kernel/rules/run-id';
import type { RunFailedDetail, RunSucceededDetail } from '../contracts/pipeline-events';
import type { RunState } from '../contracts/run-state';

const identity = (state: RunState) => {
  const prefix = state.run?.prefix ?? state.prefix ?? state.input?.prefix;
  return {
    runId: state.run?.runId,
    executionName: state.run?.executionName,
    batch: state.run?.batch ?? (prefix === undefined ? undefined : batchOf(prefix)),
    bucket: state.run?.bucket ?? state.bucket ?? state.input?.bucket,
    prefix,
  };
};

const counts = (state: RunState) => ({
  images: state.validation?.total,
  imagesAccepted: state.validation?.accepted,
  imagesRejected: state.validation?.rejected,
  labeled: state.labeling?.labelCounters.TotalLabeled,
  datasetImages: state.dataset?.accepted,
  boxes: state.dataset?.boxes,
  train: state.dataset?.train,
  test: state.dataset?.test,
});

/** Every S3 URI the run has written so far, by name. */
const locations = (state: RunState): Record<string, string> => {
  const entries: [string, string | undefined][] = [
    ['validationReport', state.validation?.reportUri],
    ['inputManifest', state.manifest?.manifestUri],
    ['labelCategories', state.manifest?.labelCategoryConfigUri],
    ['labelingOutputManifest', state.labeling?.outputManifestS3Uri],
    ['trainManifest', state.dataset?.trainManifestUri],
    ['testManifest', state.dataset?.testManifestUri],
    ['report', state.dataset?.reportUri],
    ['reportHtml', state.dataset?.reportHtmlUri],
  ];
  return Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== undefined));
};

/** The detail of "Labeling Pipeline Succeeded": what a consumer needs without reading S3. */
export const succeededDetail = (state: RunState): RunSucceededDetail => ({
  ...identity(state),
  counts: counts(state),
  locations: locations(state),
  labelingJobName: state.labeling?.jobName,
  labelCounters: state.labeling?.labelCounters as Record<string, number> | undefined,
  projectArn: state.rekognition?.projectArn,
  trainDatasetArn: state.rekognition?.trainDatasetArn,
  testDatasetArn: state.rekognition?.testDatasetArn,
  model:
    state.training === undefined
      ? undefined
      : {
          projectVersionArn: state.training.projectVersionArn,
          status: state.training.status,
          f1Score: state.training.f1Score,
        },
});

/**
 * The detail of "Labeling Pipeline Failed": the original error's name and cause (the message
 * our Lambdas threw, or Step Functions' own), plus whatever the run had produced before it.
 */
export const failedDetail = (state: RunState): RunFailedDetail => ({
  ...identity(state),
  error: { name: state.error?.Error ?? 'Unknown', cause: readableCause(state.error?.Cause) },
  counts: counts(state),
  locations: locations(state),
  labelingJobName: labelingJobOf(state),
});

/**
 * The labeling job a failed run created: known once the run reached StartLabelingJobAndWait
 * (BuildManifest's output is present). A run that failed before, e.g. NoValidImages, created none.
 */
const labelingJobOf = (state: RunState): string | undefined =>
  state.labeling?.jobName ?? (state.manifest === undefined ? undefined : state.run?.jobName);

/** Lambda errors arrive as a JSON string `{ errorType, errorMessage, ... }`: keep the message. */
export const readableCause = (cause: string | undefined): string => {
  if (cause === undefined) return '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
};
