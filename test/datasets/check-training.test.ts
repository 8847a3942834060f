import { DescribeProjectVersionsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import sample from '../../events/create-dataset-input.json';
import { checkTraining, handler } from '../../functions/datasets/check-training/handler';
import { config } from '../../functions/kernel/config';
import { TrainingFailed } from '../../functions/kernel/errors';
import { fakeContext } from '../fake-context';

const rekognition = mockClient(RekognitionClient);

const RUN_ID = 'logos-2026-11-3f9a1c2be4d7';
const PROJECT_ARN = `arn:aws:rekognition:us-east-1:123456789012:project/brand-logos-${RUN_ID}/1`;
const VERSION_ARN = `arn:aws:rekognition:us-east-1:123456789012:project/brand-logos-${RUN_ID}/version/${RUN_ID}/2`;

const input = (attempts = 0) => ({
  ...sample,
  run: { ...sample.run, train: true },
  rekognition: {
    projectArn: PROJECT_ARN,
    trainDatasetArn: `${PROJECT_ARN}/dataset/train/3`,
    testDatasetArn: `${PROJECT_ARN}/dataset/test/4`,
    status: 'CREATE_COMPLETE',
    attempts: 2,
  },
  training: { projectVersionArn: VERSION_ARN, versionName: RUN_ID, status: 'TRAINING_IN_PROGRESS', attempts },
});

const version = (description: object) =>
  rekognition
    .on(DescribeProjectVersionsCommand)
    .resolves({ ProjectVersionDescriptions: [{ ProjectVersionArn: VERSION_ARN, ...description }] });

describe('check-training', () => {
  beforeEach(() => {
    rekognition.reset();
  });

  it('keeps waiting while the version trains, counting the poll', async () => {
    version({ Status: 'TRAINING_IN_PROGRESS' });

    const result = await checkTraining(input(4));

    expect(rekognition).toHaveReceivedCommandWith(DescribeProjectVersionsCommand, {
      ProjectArn: PROJECT_ARN,
      VersionNames: [RUN_ID],
    });
    expect(result).toEqual({ ...input(4).training, status: 'TRAINING_IN_PROGRESS', attempts: 5 });
  });

  it('reports TRAINING_COMPLETED with the F1 score and the evaluation summary', async () => {
    version({
      Status: 'TRAINING_COMPLETED',
      EvaluationResult: {
        F1Score: 0.912,
        Summary: { S3Object: { Bucket: 'labeling-pipeline-local-data', Name: `runs/${RUN_ID}/model/summary.json` } },
      },
    });

    const result = await checkTraining(input(10));

    expect(result).toEqual({
      projectVersionArn: VERSION_ARN,
      versionName: RUN_ID,
      status: 'TRAINING_COMPLETED',
      attempts: 11,
      f1Score: 0.912,
      evaluationResultUri: `s3://labeling-pipeline-local-data/runs/${RUN_ID}/model/summary.json`,
    });
  });

  it('reports a model already started as trained, keeping its real status', async () => {
    version({ Status: 'RUNNING', EvaluationResult: { F1Score: 0.8 } });

    const result = await checkTraining(input(1));

    expect(result).toMatchObject({ status: 'TRAINING_COMPLETED', versionStatus: 'RUNNING', f1Score: 0.8 });
    expect(result.evaluationResultUri).toBeUndefined();
  });

  it('fails with TrainingFailed and Rekognition’s status message', async () => {
    version({ Status: 'TRAINING_FAILED', StatusMessage: 'The training dataset has no labels.' });

    const failure = checkTraining(input(3));

    await expect(failure).rejects.toBeInstanceOf(TrainingFailed);
    await expect(failure).rejects.toMatchObject({
      name: 'TrainingFailed',
      message: 'Rekognition could not train the model (TRAINING_FAILED): The training dataset has no labels.',
    });
  });

  it('gives up with TrainingFailed after MAX_TRAINING_POLLS polls', async () => {
    version({ Status: 'TRAINING_IN_PROGRESS' });

    await expect(checkTraining(input(config.MAX_TRAINING_POLLS - 1))).rejects.toMatchObject({
      name: 'TrainingFailed',
      message: expect.stringContaining(`did not finish training after ${config.MAX_TRAINING_POLLS} polls`),
    });
  });

  it('fails with TrainingFailed when the version has disappeared', async () => {
    rekognition.on(DescribeProjectVersionsCommand).resolves({ ProjectVersionDescriptions: [] });

    await expect(checkTraining(input(1))).rejects.toMatchObject({
      name: 'TrainingFailed',
      message: expect.stringContaining(`model version ${RUN_ID} no longer exists`),
    });
  });

  it('derives the version name from the run id when the state lacks it, through the wrapped handler', async () => {
    version({ Status: 'TRAINING_IN_PROGRESS' });
    const state = input(0);
    const { versionName: _v, ...training } = state.training;

    const result = await handler({ ...state, training }, fakeContext);

    expect(rekognition).toHaveReceivedCommandWith(DescribeProjectVersionsCommand, { VersionNames: [RUN_ID] });
    expect(result).toMatchObject({ versionName: RUN_ID, attempts: 1 });
  });
});
