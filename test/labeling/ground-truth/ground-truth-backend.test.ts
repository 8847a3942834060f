import { DescribeLabelingJobCommand, ResourceNotFound, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { groundTruthBackend } from '../../../functions/labeling/ground-truth/aws/ground-truth-backend';

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
});
