import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CLIENT_RETRIES } from '../../../kernel/aws/client-options';

export const sageMaker = new SageMakerClient(CLIENT_RETRIES);
