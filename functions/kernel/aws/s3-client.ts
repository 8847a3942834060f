import { S3Client } from '@aws-sdk/client-s3';
import { config } from '../config';
import { CLIENT_RETRIES } from './client-options';

// The SDK's default pool of 50 sockets would cap validation's parallel ranged reads below its concurrency.
const sockets = { maxSockets: Math.max(50, config.VALIDATION_CONCURRENCY) };

/** Path-style addressing is a setting because a loopback S3 endpoint has no per-bucket host names. */
export const s3 = new S3Client({
  ...CLIENT_RETRIES,
  forcePathStyle: config.S3_FORCE_PATH_STYLE === 'true',
  requestHandler: { httpAgent: sockets, httpsAgent: sockets },
});
