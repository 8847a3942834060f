import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { config } from '../config';

/**
 * One client per service, created once per container. Endpoints come from the SDK's own
 * `AWS_ENDPOINT_URL_<SERVICE>` variables; path-style addressing is a setting because a
 * loopback S3 endpoint has no per-bucket host names.
 */
const retry = { maxAttempts: 5 } as const;

// The SDK's default pool of 50 sockets would cap validation's parallel ranged reads below its concurrency.
const sockets = { maxSockets: Math.max(50, config.VALIDATION_CONCURRENCY) };

export const s3 = new S3Client({
  ...retry,
  forcePathStyle: config.S3_FORCE_PATH_STYLE === 'true',
  requestHandler: { httpAgent: sockets, httpsAgent: sockets },
});
export const sfn = new SFNClient(retry);
export const sageMaker = new SageMakerClient(retry);
export const rekognition = new RekognitionClient(retry);
export const eventBridge = new EventBridgeClient(retry);
