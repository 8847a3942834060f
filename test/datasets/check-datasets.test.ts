import { DescribeDatasetCommand, type DescribeDatasetResponse, RekognitionClient } from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import sample from '../../events/create-dataset-input.json';
import { checkDatasets, handler } from '../../functions/datasets/check-datasets/handler';
import { config } from '../../functions/kernel/config';
import { DatasetCreationFailed } from '../../functions/kernel/errors';
import { fakeContext } from '../fake-context';

const rekognition = mockClient(RekognitionClient);

const PROJECT_ARN = 'arn:aws:rekognition:us-east-1:123456789012:project/brand-logos-logos-2026-11-3f9a1c2be4d7/1';
const TRAIN_ARN =
  'arn:aws:rekognition:us-east-1:123456789012:project/brand-logos-logos-2026-11-3f9a1c2be4d7/dataset/train/2';
const TEST_ARN =
  'arn:aws:rekognition:us-east-1:123456789012:project/brand-logos-logos-2026-11-3f9a1c2be4d7/dataset/test/3';

const input = (attempts = 0) => ({
  ...sample,
  rekognition: {
    projectArn: PROJECT_ARN,
    projectName: 'brand-logos-logos-2026-11-3f9a1c2be4d7',
    trainDatasetArn: TRAIN_ARN,
    testDatasetArn: TEST_ARN,
    status: 'CREATE_IN_PROGRESS',
    attempts,
  },
});

const described = (
  Status: NonNullable<DescribeDatasetResponse['DatasetDescription']>['Status'],
  extra: NonNullable<DescribeDatasetResponse['DatasetDescription']> = {},
): DescribeDatasetResponse => ({ DatasetDescription: { Status, ...extra } });

const statuses = (train: DescribeDatasetResponse, test: DescribeDatasetResponse) =>
  rekognition
    .on(DescribeDatasetCommand, { DatasetArn: TRAIN_ARN })
    .resolves(train)
    .on(DescribeDatasetCommand, { DatasetArn: TEST_ARN })
    .resolves(test);

describe('check-datasets', () => {
  beforeEach(() => {
    rekognition.reset();
  });

  it('keeps waiting while a dataset is still being created, counting the poll', async () => {
    statuses(described('CREATE_COMPLETE'), described('CREATE_IN_PROGRESS'));

    const result = await checkDatasets(input(3));

    expect(result).toMatchObject({ status: 'CREATE_IN_PROGRESS', attempts: 4, trainDatasetArn: TRAIN_ARN });
    expect(result.test).toEqual({ status: 'CREATE_IN_PROGRESS' });
  });

  it('reports CREATE_COMPLETE with the entry counts once both datasets are complete', async () => {
    statuses(
      described('CREATE_COMPLETE', {
        DatasetStats: { LabeledEntries: 91, TotalEntries: 91, ErrorEntries: 0, TotalLabels: 3 },
      }),
      described('CREATE_COMPLETE', {
        DatasetStats: { LabeledEntries: 22, TotalEntries: 23, ErrorEntries: 1, TotalLabels: 3 },
      }),
    );

    const result = await checkDatasets(input(0));

    expect(result).toEqual({
      ...input(0).rekognition,
      status: 'CREATE_COMPLETE',
      attempts: 1,
      train: { status: 'CREATE_COMPLETE', labeledEntries: 91, totalEntries: 91, errorEntries: 0, totalLabels: 3 },
      test: { status: 'CREATE_COMPLETE', labeledEntries: 22, totalEntries: 23, errorEntries: 1, totalLabels: 3 },
    });
  });

  it('fails with DatasetCreationFailed naming the dataset, its manifest and Rekognition’s message', async () => {
    statuses(
      described('CREATE_FAILED', {
        StatusMessage: 'The manifest file contains too many invalid data lines.',
        StatusMessageCode: 'CLIENT_ERROR',
      }),
      described('CREATE_COMPLETE'),
    );

    const failure = checkDatasets(input(2));

    await expect(failure).rejects.toBeInstanceOf(DatasetCreationFailed);
    await expect(failure).rejects.toMatchObject({
      name: 'DatasetCreationFailed',
      message:
        'Rekognition could not create the TRAIN dataset from s3://labeling-pipeline-local-data/runs/logos-2026-11-3f9a1c2be4d7/dataset/train.manifest (CREATE_FAILED, CLIENT_ERROR): The manifest file contains too many invalid data lines.; fix the manifest (see the dataset report) and run the batch again',
      cause: expect.objectContaining({ dataset: 'TRAIN', statusMessageCode: 'CLIENT_ERROR', train: TRAIN_ARN }),
    });
  });

  it('fails on an UPDATE_FAILED test dataset', async () => {
    statuses(described('CREATE_COMPLETE'), described('UPDATE_FAILED', { StatusMessageCode: 'SERVICE_ERROR' }));

    await expect(checkDatasets(input(0))).rejects.toMatchObject({
      name: 'DatasetCreationFailed',
      message: expect.stringMatching(/^Rekognition could not create the TEST dataset from s3:.*test\.manifest/),
    });
  });

  it('gives up with DatasetCreationFailed after MAX_DATASET_POLLS polls', async () => {
    statuses(described('CREATE_IN_PROGRESS'), described('CREATE_COMPLETE'));

    await expect(checkDatasets(input(config.MAX_DATASET_POLLS - 1))).rejects.toMatchObject({
      name: 'DatasetCreationFailed',
      message: expect.stringContaining(
        `did not finish creating the datasets after ${config.MAX_DATASET_POLLS} polls (TRAIN CREATE_IN_PROGRESS)`,
      ),
    });
  });

  it('still accepts completion on the last allowed poll', async () => {
    statuses(described('CREATE_COMPLETE'), described('CREATE_COMPLETE'));

    const result = await checkDatasets(input(config.MAX_DATASET_POLLS - 1));

    expect(result.status).toBe('CREATE_COMPLETE');
  });

  it('works through the wrapped handler on the whole state, without $.dataset', async () => {
    statuses(described('CREATE_IN_PROGRESS'), described('CREATE_IN_PROGRESS'));
    const { dataset: _dataset, ...state } = input(0);

    const result = await handler(state, fakeContext);

    expect(result).toMatchObject({ status: 'CREATE_IN_PROGRESS', attempts: 1 });
    expect(rekognition).toHaveReceivedCommandTimes(DescribeDatasetCommand, 2);
  });
});
