import {
  CreateDatasetCommand,
  CreateProjectCommand,
  DescribeProjectsCommand,
  RekognitionClient,
  ResourceAlreadyExistsException,
  ResourceInUseException,
} from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import sample from '../../events/create-dataset-input.json';
import { createDataset, handler } from '../../functions/datasets/create-dataset/handler';
import { fakeContext } from '../fake-context';

const rekognition = mockClient(RekognitionClient);

const PROJECT_NAME = 'brand-logos-logos-2026-11-3f9a1c2be4d7';
const PROJECT_ARN = `arn:aws:rekognition:us-east-1:123456789012:project/${PROJECT_NAME}/1764000000000`;
const TRAIN_ARN = `${PROJECT_ARN.replace(/\/\d+$/, '')}/dataset/train/1764000000001`;
const TEST_ARN = `${PROJECT_ARN.replace(/\/\d+$/, '')}/dataset/test/1764000000002`;
const TAGS = { 'labeling-pipeline:run-id': 'logos-2026-11-3f9a1c2be4d7' };
const project = (datasets: { DatasetType: 'TRAIN' | 'TEST'; DatasetArn: string }[] = []) => ({
  ProjectDescriptions: [{ ProjectArn: PROJECT_ARN, Status: 'CREATED' as const, Datasets: datasets }],
});
const inUse = () => new ResourceInUseException({ message: 'The project already exists', $metadata: {} });

const mockDatasetCreation = () =>
  rekognition
    .on(CreateDatasetCommand, { DatasetType: 'TRAIN' })
    .resolves({ DatasetArn: TRAIN_ARN })
    .on(CreateDatasetCommand, { DatasetType: 'TEST' })
    .resolves({ DatasetArn: TEST_ARN });

describe('create-dataset', () => {
  beforeEach(() => {
    rekognition.reset();
  });

  it('creates the run project, then TRAIN and TEST datasets from the two manifests', async () => {
    rekognition.on(DescribeProjectsCommand).resolves({ ProjectDescriptions: [] });
    rekognition.on(CreateProjectCommand).resolves({ ProjectArn: PROJECT_ARN });
    mockDatasetCreation();

    const result = await createDataset(sample);

    expect(rekognition).toHaveReceivedCommandWith(DescribeProjectsCommand, { ProjectNames: [PROJECT_NAME] });
    expect(rekognition).toHaveReceivedCommandWith(CreateProjectCommand, { ProjectName: PROJECT_NAME, Tags: TAGS });
    expect(rekognition).toHaveReceivedCommandWith(CreateDatasetCommand, {
      ProjectArn: PROJECT_ARN,
      DatasetType: 'TRAIN',
      DatasetSource: {
        GroundTruthManifest: {
          S3Object: {
            Bucket: 'labeling-pipeline-local-data',
            Name: 'runs/logos-2026-11-3f9a1c2be4d7/dataset/train.manifest',
          },
        },
      },
      Tags: TAGS,
    });
    expect(rekognition).toHaveReceivedCommandWith(CreateDatasetCommand, {
      DatasetType: 'TEST',
      DatasetSource: {
        GroundTruthManifest: {
          S3Object: {
            Bucket: 'labeling-pipeline-local-data',
            Name: 'runs/logos-2026-11-3f9a1c2be4d7/dataset/test.manifest',
          },
        },
      },
    });
    expect(result).toEqual({
      projectArn: PROJECT_ARN,
      projectName: PROJECT_NAME,
      trainDatasetArn: TRAIN_ARN,
      testDatasetArn: TEST_ARN,
      status: 'CREATE_IN_PROGRESS',
      attempts: 0,
    });
  });

  it('uses the run project when it already exists instead of creating another', async () => {
    rekognition.on(DescribeProjectsCommand).resolves(project());
    mockDatasetCreation();

    const result = await createDataset(sample);

    expect(rekognition).not.toHaveReceivedCommand(CreateProjectCommand);
    expect(rekognition).toHaveReceivedCommandTimes(CreateDatasetCommand, 2);
    expect(result.projectArn).toBe(PROJECT_ARN);
  });

  it('takes the project another attempt created first when CreateProject reports it in use', async () => {
    rekognition.on(DescribeProjectsCommand).resolvesOnce({ ProjectDescriptions: [] }).resolves(project());
    rekognition.on(CreateProjectCommand).rejects(inUse());
    mockDatasetCreation();

    const result = await createDataset(sample);

    expect(rekognition).toHaveReceivedCommandTimes(DescribeProjectsCommand, 2);
    expect(result.projectArn).toBe(PROJECT_ARN);
  });

  it('rethrows an in-use error when the project still cannot be found', async () => {
    rekognition.on(DescribeProjectsCommand).resolves({ ProjectDescriptions: [] });
    rekognition.on(CreateProjectCommand).rejects(inUse());

    await expect(createDataset(sample)).rejects.toThrow('The project already exists');
    expect(rekognition).not.toHaveReceivedCommand(CreateDatasetCommand);
  });

  it('does not mistake a project with a longer name for the run project', async () => {
    const lookAlike = PROJECT_ARN.replace(PROJECT_NAME, `${PROJECT_NAME}-old`);
    rekognition.on(DescribeProjectsCommand).resolves({ ProjectDescriptions: [{ ProjectArn: lookAlike }] });
    rekognition.on(CreateProjectCommand).resolves({ ProjectArn: PROJECT_ARN });
    mockDatasetCreation();

    const result = await createDataset(sample);

    expect(rekognition).toHaveReceivedCommand(CreateProjectCommand);
    expect(result.projectArn).toBe(PROJECT_ARN);
  });

  it('reuses both datasets of a retried run without creating a second one', async () => {
    rekognition.on(DescribeProjectsCommand).resolves(
      project([
        { DatasetType: 'TRAIN', DatasetArn: TRAIN_ARN },
        { DatasetType: 'TEST', DatasetArn: TEST_ARN },
      ]),
    );

    const result = await createDataset(sample);

    expect(rekognition).not.toHaveReceivedCommand(CreateDatasetCommand);
    expect(result).toMatchObject({ trainDatasetArn: TRAIN_ARN, testDatasetArn: TEST_ARN, attempts: 0 });
  });

  it('creates only the TEST dataset when an earlier attempt stopped after TRAIN', async () => {
    rekognition.on(DescribeProjectsCommand).resolves(project([{ DatasetType: 'TRAIN', DatasetArn: TRAIN_ARN }]));
    mockDatasetCreation();

    const result = await createDataset(sample);

    expect(rekognition).toHaveReceivedCommandTimes(CreateDatasetCommand, 1);
    expect(rekognition).toHaveReceivedCommandWith(CreateDatasetCommand, { DatasetType: 'TEST' });
    expect(result).toMatchObject({ trainDatasetArn: TRAIN_ARN, testDatasetArn: TEST_ARN });
  });

  it('takes the dataset another attempt created first when CreateDataset reports it exists', async () => {
    rekognition
      .on(DescribeProjectsCommand)
      .resolvesOnce(project())
      .resolves(project([{ DatasetType: 'TRAIN', DatasetArn: TRAIN_ARN }]));
    rekognition
      .on(CreateDatasetCommand, { DatasetType: 'TRAIN' })
      .rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }))
      .on(CreateDatasetCommand, { DatasetType: 'TEST' })
      .resolves({ DatasetArn: TEST_ARN });

    const result = await createDataset(sample);

    expect(result).toMatchObject({ trainDatasetArn: TRAIN_ARN, testDatasetArn: TEST_ARN });
  });

  it('lets any other Rekognition error through', async () => {
    rekognition.on(DescribeProjectsCommand).resolves(project());
    rekognition.on(CreateDatasetCommand).rejects(new Error('Access denied to s3://labeling-pipeline-local-data'));

    await expect(createDataset(sample)).rejects.toThrow('Access denied');
  });

  it('fails with InvalidInput naming the field when the dataset summary is missing', async () => {
    const { dataset: _dataset, ...withoutDataset } = sample;

    await expect(handler(withoutDataset, fakeContext)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('dataset'),
    });
    expect(rekognition).not.toHaveReceivedAnyCommand();
  });
});
