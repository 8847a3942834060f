import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { CLIENT_RETRIES } from '../../kernel/aws/client-options';

export const rekognition = new RekognitionClient(CLIENT_RETRIES);
