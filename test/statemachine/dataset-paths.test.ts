import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateDatasetCommand,
  CreateProjectCommand,
  CreateProjectVersionCommand,
  type DatasetStatus,
  DescribeDatasetCommand,
  DescribeProjectsCommand,
  DescribeProjectVersionsCommand,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { runStateMachine } from './harness';
import {
  BUCKET,
  datasetOutput,
  labelingOutput,
  manifestOutput,
  PIPELINE_INPUT,
  RUN_ID,
  validationStates,
} from './stage-outputs';

const eventBridge = mockClient(EventBridgeClient);
const rekognition = mockClient(RekognitionClient);

const PROJECT_NAME = `labeling-pipeline-${RUN_ID}`;
const PROJECT_ARN = `arn:aws:rekognition:us-east-1:123456789012:project/${PROJECT_NAME}/1764000000000`;
const TRAIN_ARN = `arn:aws:rekognition:us-east-1:123456789012:project/${PROJECT_NAME}/dataset/train/1764000000001`;
const TEST_ARN = `arn:aws:rekognition:us-east-1:123456789012:project/${PROJECT_NAME}/dataset/test/1764000000002`;
const VERSION_ARN = `arn:aws:rekognition:us-east-1:123456789012:project/${PROJECT_NAME}/version/${RUN_ID}/1764000000003`;

const input = PIPELINE_INPUT;

/** Fixed outputs for the states before CreateDataset; PrepareRun runs for real. */
const upstream = {
  ...validationStates(),
  BuildManifest: async () => manifestOutput(),
  StartLabelingJobAndWait: async () => labelingOutput(),
  PostProcess: async () => datasetOutput(),
};

const DATASET_PATH = ['CreateDataset', 'WaitForDatasets', 'CheckDatasets', 'DatasetsReady', 'TrainingRequested'];

const newProject = () => {
  rekognition.on(DescribeProjectsCommand).resolves({ ProjectDescriptions: [] });
  rekognition.on(CreateProjectCommand).resolves({ ProjectArn: PROJECT_ARN });
  rekognition
    .on(CreateDatasetCommand, { DatasetType: 'TRAIN' })
    .resolves({ DatasetArn: TRAIN_ARN })
    .on(CreateDatasetCommand, { DatasetType: 'TEST' })
    .resolves({ DatasetArn: TEST_ARN });
};

/** Both datasets report these statuses, one poll after another; the last one repeats. */
const datasetPolls = (...statuses: DatasetStatus[]) => {
  for (const arn of [TRAIN_ARN, TEST_ARN]) {
    let stub = rekognition.on(DescribeDatasetCommand, { DatasetArn: arn });
    for (const Status of statuses.slice(0, -1)) stub = stub.resolvesOnce({ DatasetDescription: { Status } });
    stub.resolves({
      DatasetDescription: {
        Status: statuses.at(-1),
        DatasetStats: { LabeledEntries: 3, TotalEntries: 3, ErrorEntries: 0, TotalLabels: 2 },
      },
    });
  }
};

const published = () => {
  const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
  return { detailType: entry?.DetailType, detail: JSON.parse(entry?.Detail ?? '{}') };
};

describe('dataset and training paths', () => {
  beforeEach(() => {
    rekognition.reset();
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  });

  it('creates the datasets, waits for them and publishes the result without training', async () => {
    newProject();
    datasetPolls('CREATE_COMPLETE');

    const result = await runStateMachine({ input, overrides: upstream });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual([
      'PrepareRun',
      'PlanValidation',
      'ValidateImages',
      'SummarizeValidation',
      'HasValidImages',
      'BuildManifest',
      'StartLabelingJobAndWait',
      'PostProcess',
      ...DATASET_PATH,
      'PublishResult',
      'Succeeded',
    ]);
    expect(result.path).not.toContain('TrainModel');
    expect(rekognition).toHaveReceivedCommandWith(CreateProjectCommand, { ProjectName: PROJECT_NAME });
    expect(rekognition).toHaveReceivedCommandWith(CreateDatasetCommand, {
      DatasetType: 'TRAIN',
      DatasetSource: {
        GroundTruthManifest: { S3Object: { Bucket: BUCKET, Name: `runs/${RUN_ID}/dataset/train.manifest` } },
      },
    });
    expect(published()).toMatchObject({
      detailType: 'Labeling Pipeline Succeeded',
      detail: { projectArn: PROJECT_ARN, trainDatasetArn: TRAIN_ARN, testDatasetArn: TEST_ARN },
    });
    expect(published().detail.model).toBeUndefined();
  });

  it('polls the datasets again while they are being created', async () => {
    newProject();
    datasetPolls('CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE');

    const result = await runStateMachine({ input, overrides: upstream });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.path.filter((s) => s === 'CheckDatasets')).toHaveLength(3);
    expect(result.path.filter((s) => s === 'WaitForDatasets')).toHaveLength(3);
    expect(result.path.slice(result.path.indexOf('CreateDataset'), -2)).toEqual([
      'CreateDataset',
      'WaitForDatasets',
      'CheckDatasets',
      'DatasetsReady',
      'WaitForDatasets',
      'CheckDatasets',
      'DatasetsReady',
      'WaitForDatasets',
      'CheckDatasets',
      'DatasetsReady',
      'TrainingRequested',
    ]);
    expect(result.output).toMatchObject({
      rekognition: { status: 'CREATE_COMPLETE', attempts: 3, train: { totalEntries: 3 } },
    });
    expect(rekognition).toHaveReceivedCommandTimes(CreateDatasetCommand, 2);
  });

  it('fails with DatasetCreationFailed and announces it when Rekognition rejects a dataset', async () => {
    newProject();
    rekognition.on(DescribeDatasetCommand, { DatasetArn: TRAIN_ARN }).resolves({
      DatasetDescription: {
        Status: 'CREATE_FAILED',
        StatusMessage: 'The manifest file contains too many invalid data lines.',
        StatusMessageCode: 'CLIENT_ERROR',
      },
    });
    rekognition
      .on(DescribeDatasetCommand, { DatasetArn: TEST_ARN })
      .resolves({ DatasetDescription: { Status: 'CREATE_COMPLETE' } });

    const result = await runStateMachine({ input, overrides: upstream });

    expect(result.status).toBe('FAILED');
    expect(result.path.slice(-4)).toEqual(['WaitForDatasets', 'CheckDatasets', 'PublishFailure', 'Failed']);
    expect(result.error?.Error).toBe('DatasetCreationFailed');
    expect(result.error?.Cause).toContain('could not create the TRAIN dataset');
    expect(result.error?.Cause).toContain('too many invalid data lines');
    expect(published()).toMatchObject({
      detailType: 'Labeling Pipeline Failed',
      detail: { error: { name: 'DatasetCreationFailed' } },
    });
  });

  it('trains a model version when the run asks for it and publishes its F1 score', async () => {
    newProject();
    datasetPolls('CREATE_COMPLETE');
    rekognition
      .on(DescribeProjectVersionsCommand)
      .resolvesOnce({ ProjectVersionDescriptions: [] })
      .resolvesOnce({
        ProjectVersionDescriptions: [{ ProjectVersionArn: VERSION_ARN, Status: 'TRAINING_IN_PROGRESS' }],
      })
      .resolves({
        ProjectVersionDescriptions: [
          {
            ProjectVersionArn: VERSION_ARN,
            Status: 'TRAINING_COMPLETED',
            EvaluationResult: {
              F1Score: 0.87,
              Summary: { S3Object: { Bucket: BUCKET, Name: `runs/${RUN_ID}/model/summary.json` } },
            },
          },
        ],
      });
    rekognition.on(CreateProjectVersionCommand).resolves({ ProjectVersionArn: VERSION_ARN });

    const result = await runStateMachine({ input: { ...input, train: true }, overrides: upstream });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.path.slice(result.path.indexOf('TrainingRequested'))).toEqual([
      'TrainingRequested',
      'TrainModel',
      'WaitForTraining',
      'CheckTraining',
      'TrainingDone',
      'WaitForTraining',
      'CheckTraining',
      'TrainingDone',
      'PublishResult',
      'Succeeded',
    ]);
    expect(rekognition).toHaveReceivedCommandWith(CreateProjectVersionCommand, {
      ProjectArn: PROJECT_ARN,
      VersionName: RUN_ID,
      OutputConfig: { S3Bucket: BUCKET, S3KeyPrefix: `runs/${RUN_ID}/model/` },
    });
    expect(result.output).toMatchObject({
      training: { status: 'TRAINING_COMPLETED', attempts: 2, f1Score: 0.87 },
    });
    expect(published().detail.model).toEqual({
      projectVersionArn: VERSION_ARN,
      status: 'TRAINING_COMPLETED',
      f1Score: 0.87,
    });
  });

  it('fails with TrainingFailed and announces it when training fails', async () => {
    newProject();
    datasetPolls('CREATE_COMPLETE');
    rekognition
      .on(DescribeProjectVersionsCommand)
      .resolvesOnce({ ProjectVersionDescriptions: [] })
      .resolves({
        ProjectVersionDescriptions: [
          { ProjectVersionArn: VERSION_ARN, Status: 'TRAINING_FAILED', StatusMessage: 'Too few images per label.' },
        ],
      });
    rekognition.on(CreateProjectVersionCommand).resolves({ ProjectVersionArn: VERSION_ARN });

    const result = await runStateMachine({ input: { ...input, train: true }, overrides: upstream });

    expect(result.status).toBe('FAILED');
    expect(result.path.slice(-4)).toEqual(['WaitForTraining', 'CheckTraining', 'PublishFailure', 'Failed']);
    expect(result.error?.Error).toBe('TrainingFailed');
    expect(result.error?.Cause).toContain('Too few images per label.');
    expect(published().detailType).toBe('Labeling Pipeline Failed');
  });
});
