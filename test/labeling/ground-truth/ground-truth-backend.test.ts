import { DescribeLabelingJobCommand, ResourceNotFound, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { loadSettings } from '../../../functions/kernel/config';
import { STARTER_SETTINGS } from '../../../functions/labeling/aws/labeling-backend';
import { groundTruthBackend } from '../../../functions/labeling/ground-truth/aws/ground-truth-backend';
import { groundTruthStart } from '../../../functions/labeling/ground-truth/aws/ground-truth-start';

const sageMaker = mockClient(SageMakerClient);

describe('the Ground Truth backend', () => {
  beforeEach(() => sageMaker.reset());

  it("reports a job's outcome in the backend-neutral terms, or nothing for a job SageMaker does not know", async () => {
    sageMaker
      .on(DescribeLabelingJobCommand, { LabelingJobName: 'running' })
      .resolves({ LabelingJobStatus: 'InProgress' });
    sageMaker
      .on(DescribeLabelingJobCommand, { LabelingJobName: 'gone' })
      .rejects(new ResourceNotFound({ message: 'not found', $metadata: {} }));

    await expect(groundTruthBackend.outcome('running')).resolves.toEqual({ kind: 'running', status: 'InProgress' });
    await expect(groundTruthBackend.outcome('gone')).resolves.toBeUndefined();
  });

  it('refuses to start a Ground Truth job on a stack deployed without a workteam, naming what to do', async () => {
    // start-labeling-job's settings as such a stack loads them: WORKTEAM_ARN deployed empty.
    const settings = { ...loadSettings(STARTER_SETTINGS), WORKTEAM_ARN: '' };
    const input = require('../../../events/start-labeling-job-input.json');
    const storeToken = jest.fn();

    await expect(groundTruthStart.start(input, storeToken, settings)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('needs a workteam'),
    });
    expect(storeToken).not.toHaveBeenCalled();
  });
});
