import {
  CreateProjectVersionCommand,
  DescribeProjectVersionsCommand,
  RekognitionClient,
  ResourceInUseException,
} from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import sample from '../../events/create-dataset-input.json';
import { handler, trainModel } from '../../functions/datasets/train-model/handler';
import { fakeContext } from '../fake-context';

const rekognition = mockClient(RekognitionClient);

const RUN_ID = 'logos-2026-11-3f9a1c2be4d7';
const PROJECT_ARN = `arn:aws:rekognition:us-east-1:123456789012:project/brand-logos-${RUN_ID}/1`;
const VERSION_ARN = `arn:aws:rekognition:us-east-1:123456789012:project/brand-logos-${RUN_ID}/version/${RUN_ID}/2`;

const input = {
  ...sample,
  run: { ...sample.run, train: true },
  rekognition: {
    projectArn: PROJECT_ARN,
    trainDatasetArn: `${PROJECT_ARN}/dataset/train/3`,
    testDatasetArn: `${PROJECT_ARN}/dataset/test/4`,
    status: 'CREATE_COMPLETE',
    attempts: 2,
  },
};

describe('train-model', () => {
  beforeEach(() => {
    rekognition.reset();
  });

  it('starts one version named after the run, writing to the run’s model/ prefix', async () => {
    rekognition.on(DescribeProjectVersionsCommand).resolves({ ProjectVersionDescriptions: [] });
    rekognition.on(CreateProjectVersionCommand).resolves({ ProjectVersionArn: VERSION_ARN });

    const result = await trainModel(input);

    expect(rekognition).toHaveReceivedCommandWith(DescribeProjectVersionsCommand, {
      ProjectArn: PROJECT_ARN,
      VersionNames: [RUN_ID],
    });
    expect(rekognition).toHaveReceivedCommandWith(CreateProjectVersionCommand, {
      ProjectArn: PROJECT_ARN,
      VersionName: RUN_ID,
      OutputConfig: { S3Bucket: 'labeling-pipeline-local-data', S3KeyPrefix: `runs/${RUN_ID}/model/` },
      Tags: { 'labeling-pipeline:run-id': RUN_ID },
    });
    expect(result).toEqual({
      projectVersionArn: VERSION_ARN,
      versionName: RUN_ID,
      status: 'TRAINING_IN_PROGRESS',
      attempts: 0,
    });
  });

  it('returns the version a previous attempt started instead of starting a second one', async () => {
    rekognition.on(DescribeProjectVersionsCommand).resolves({
      ProjectVersionDescriptions: [{ ProjectVersionArn: VERSION_ARN, Status: 'TRAINING_IN_PROGRESS' }],
    });

    const result = await trainModel(input);

    expect(rekognition).not.toHaveReceivedCommand(CreateProjectVersionCommand);
    expect(result).toMatchObject({ projectVersionArn: VERSION_ARN, status: 'TRAINING_IN_PROGRESS', attempts: 0 });
  });

  it('finds the version another attempt created first when CreateProjectVersion reports it in use', async () => {
    rekognition
      .on(DescribeProjectVersionsCommand)
      .resolvesOnce({ ProjectVersionDescriptions: [] })
      .resolves({ ProjectVersionDescriptions: [{ ProjectVersionArn: VERSION_ARN, Status: 'TRAINING_IN_PROGRESS' }] });
    rekognition
      .on(CreateProjectVersionCommand)
      .rejects(new ResourceInUseException({ message: 'version name in use', $metadata: {} }));

    const result = await trainModel(input);

    expect(rekognition).toHaveReceivedCommandTimes(DescribeProjectVersionsCommand, 2);
    expect(result.projectVersionArn).toBe(VERSION_ARN);
  });

  it('lets a quota error through', async () => {
    rekognition.on(DescribeProjectVersionsCommand).resolves({ ProjectVersionDescriptions: [] });
    rekognition.on(CreateProjectVersionCommand).rejects(new Error('LimitExceededException'));

    await expect(trainModel(input)).rejects.toThrow('LimitExceededException');
  });

  it('fails with InvalidInput when the datasets are missing from the state', async () => {
    const { rekognition: _r, ...state } = input;

    await expect(handler(state, fakeContext)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('rekognition'),
    });
  });
});
