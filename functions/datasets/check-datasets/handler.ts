import { loadSettings } from '../../kernel/config';
import type { DatasetState, RekognitionDatasets } from '../../kernel/contracts/step-io';
import { DatasetCreationFailed } from '../../kernel/errors';
import { logger, pipelineStep } from '../../kernel/observability';
import { type DatasetDescriptionView, describeDataset } from '../aws/datasets';
import { CheckDatasetsInput } from '../contracts/rekognition-steps';
import { datasetProgress, describeDatasetFailure, describeDatasetTimeout } from '../rules/dataset-plan';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['MAX_DATASET_POLLS'] as const;
const settings = loadSettings(SETTINGS);

const state = ({ statusMessage: _m, statusMessageCode: _c, ...counts }: DatasetDescriptionView): DatasetState => counts;

/**
 * Polls both datasets once. Returns `CREATE_COMPLETE` when both are ready (the Choice then moves
 * on) and `CREATE_IN_PROGRESS` otherwise, with each dataset's status and entry counts; throws
 * `DatasetCreationFailed` on a terminal status or after `MAX_DATASET_POLLS` polls.
 */
export const checkDatasets = async ({ rekognition, dataset }: CheckDatasetsInput): Promise<RekognitionDatasets> => {
  const attempts = rekognition.attempts + 1;
  const [train, test] = await Promise.all([
    describeDataset(rekognition.trainDatasetArn),
    describeDataset(rekognition.testDatasetArn),
  ]);
  const progress = datasetProgress(
    [
      { type: 'TRAIN', ...train },
      { type: 'TEST', ...test },
    ],
    attempts,
    settings.MAX_DATASET_POLLS,
  );
  const arns = {
    projectArn: rekognition.projectArn,
    train: rekognition.trainDatasetArn,
    test: rekognition.testDatasetArn,
  };

  if (progress.outcome === 'failed') {
    const { type, ...failure } = progress.dataset;
    const manifestUri = type === 'TRAIN' ? dataset?.trainManifestUri : dataset?.testManifestUri;
    const message = describeDatasetFailure(progress.dataset, manifestUri);
    throw new DatasetCreationFailed(message, { ...arns, dataset: type, ...failure });
  }
  if (progress.outcome === 'timed-out') {
    throw new DatasetCreationFailed(describeDatasetTimeout(progress.pending, attempts), { ...arns, attempts });
  }

  const status = progress.outcome === 'ready' ? 'CREATE_COMPLETE' : 'CREATE_IN_PROGRESS';
  logger.info('datasets polled', { attempts, status, train: train.status, test: test.status });
  return { ...rekognition, status, attempts, train: state(train), test: state(test) };
};

export const handler = pipelineStep(CheckDatasetsInput, checkDatasets);
