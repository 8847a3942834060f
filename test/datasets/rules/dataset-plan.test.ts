import {
  type DatasetStatusView,
  datasetProgress,
  describeDatasetFailure,
  describeDatasetTimeout,
  existingDatasetArns,
  manifestObject,
  requireBothSplits,
} from '../../../functions/datasets/rules/dataset-plan';

const TRAIN_ARN = 'arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/train/1';
const TEST_ARN = 'arn:aws:rekognition:us-east-1:123456789012:project/p/dataset/test/2';

const train = (status: string, extra: Partial<DatasetStatusView> = {}): DatasetStatusView => ({
  type: 'TRAIN',
  status,
  ...extra,
});
const test = (status: string, extra: Partial<DatasetStatusView> = {}): DatasetStatusView => ({
  type: 'TEST',
  status,
  ...extra,
});

describe('dataset-plan', () => {
  describe('existingDatasetArns', () => {
    it('finds no datasets in a new project', () => {
      expect(existingDatasetArns([])).toEqual({});
    });

    it('reuses the TRAIN and TEST datasets a project already holds', () => {
      expect(
        existingDatasetArns([
          { type: 'TEST', arn: TEST_ARN },
          { type: 'TRAIN', arn: TRAIN_ARN },
        ]),
      ).toEqual({ TRAIN: TRAIN_ARN, TEST: TEST_ARN });
    });

    it('reports only the type that exists when an attempt stopped after the first dataset', () => {
      expect(existingDatasetArns([{ type: 'TRAIN', arn: TRAIN_ARN }])).toEqual({ TRAIN: TRAIN_ARN });
    });

    it('ignores entries without an ARN or with an unknown type', () => {
      expect(existingDatasetArns([{ type: 'TRAIN' }, { type: 'VALIDATION', arn: 'x' }, { arn: 'y' }])).toEqual({});
    });
  });

  describe('manifestObject', () => {
    it('turns a manifest URI into the GroundTruthManifest S3Object', () => {
      expect(manifestObject('s3://data-bucket/runs/r1/dataset/train.manifest')).toEqual({
        Bucket: 'data-bucket',
        Name: 'runs/r1/dataset/train.manifest',
      });
    });

    it('rejects a URI that names no object', () => {
      expect(() => manifestObject('s3://data-bucket/')).toThrow(RangeError);
      expect(() => manifestObject('https://data-bucket/x')).toThrow(RangeError);
    });
  });

  describe('datasetProgress', () => {
    it('waits while either dataset is being created', () => {
      expect(datasetProgress([train('CREATE_COMPLETE'), test('CREATE_IN_PROGRESS')], 1, 10)).toEqual({
        outcome: 'pending',
      });
    });

    it('is ready only when both datasets are complete', () => {
      expect(datasetProgress([train('CREATE_COMPLETE'), test('CREATE_COMPLETE')], 1, 10)).toEqual({ outcome: 'ready' });
      expect(datasetProgress([train('UPDATE_COMPLETE'), test('CREATE_COMPLETE')], 1, 10)).toEqual({ outcome: 'ready' });
    });

    it('fails on CREATE_FAILED, UPDATE_FAILED or a deletion, naming the dataset', () => {
      const failed = test('CREATE_FAILED', { statusMessage: 'bad manifest', statusMessageCode: 'CLIENT_ERROR' });

      expect(datasetProgress([train('CREATE_COMPLETE'), failed], 1, 10)).toEqual({
        outcome: 'failed',
        dataset: failed,
      });
      expect(datasetProgress([train('UPDATE_FAILED'), test('CREATE_COMPLETE')], 1, 10)).toMatchObject({
        outcome: 'failed',
        dataset: { type: 'TRAIN' },
      });
      expect(datasetProgress([train('DELETE_IN_PROGRESS'), test('CREATE_COMPLETE')], 1, 10).outcome).toBe('failed');
    });

    it('reports a failure even on the last poll', () => {
      expect(datasetProgress([train('CREATE_FAILED'), test('CREATE_IN_PROGRESS')], 10, 10).outcome).toBe('failed');
    });

    it('times out after the last poll, listing the datasets still pending', () => {
      const pending = test('CREATE_IN_PROGRESS');

      expect(datasetProgress([train('CREATE_COMPLETE'), pending], 10, 10)).toEqual({
        outcome: 'timed-out',
        pending: [pending],
      });
    });

    it('accepts completion on the last poll', () => {
      expect(datasetProgress([train('CREATE_COMPLETE'), test('CREATE_COMPLETE')], 10, 10)).toEqual({
        outcome: 'ready',
      });
    });

    it('keeps waiting on a status it does not know, within the poll limit', () => {
      expect(datasetProgress([{ type: 'TRAIN' }, test('SOMETHING_NEW')], 1, 10)).toEqual({ outcome: 'pending' });
    });
  });

  describe('messages', () => {
    it('names the dataset, the manifest, the status, the code and the message on failure', () => {
      const message = describeDatasetFailure(
        train('CREATE_FAILED', {
          statusMessage: 'The manifest file has too many invalid rows.',
          statusMessageCode: 'CLIENT_ERROR',
        }),
        's3://b/runs/r1/dataset/train.manifest',
      );

      expect(message).toBe(
        'Rekognition could not create the TRAIN dataset from s3://b/runs/r1/dataset/train.manifest (CREATE_FAILED, CLIENT_ERROR): The manifest file has too many invalid rows.; fix the manifest (see the dataset report) and run the batch again',
      );
    });

    it('suggests a later retry for a service error and the console otherwise', () => {
      expect(describeDatasetFailure(test('CREATE_FAILED', { statusMessageCode: 'SERVICE_ERROR' }))).toContain(
        'run the batch again later',
      );
      expect(describeDatasetFailure(test('CREATE_FAILED'))).toBe(
        'Rekognition could not create the TEST dataset (CREATE_FAILED); check the dataset in the Rekognition console',
      );
    });

    it('says the datasets did not finish in time and which ones', () => {
      expect(describeDatasetTimeout([train('CREATE_IN_PROGRESS'), { type: 'TEST' }], 240)).toBe(
        'Rekognition did not finish creating the datasets after 240 polls (TRAIN CREATE_IN_PROGRESS, TEST unknown); they are left in place, check them in the Rekognition console',
      );
    });
  });
});

describe('requireBothSplits', () => {
  it('accepts a split with images on both sides', () => {
    expect(() => requireBothSplits({ train: 3, test: 1, reportUri: 's3://b/r.json' })).not.toThrow();
  });

  it('fails with DatasetCreationFailed naming the empty side and the report', () => {
    expect(() => requireBothSplits({ train: 1, test: 0, reportUri: 's3://b/r.json' })).toThrow(
      expect.objectContaining({
        name: 'DatasetCreationFailed',
        message: expect.stringMatching(/the test split .*s3:\/\/b\/r\.json/),
      }),
    );
  });
});
