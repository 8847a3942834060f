import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3 } from '../../../kernel/aws/s3-client';
import { parseS3Uri } from '../../../kernel/rules/s3-uri';

/** The only prefix a labeler's URL may read: uploads. IAM allows the API's signers no more either. */
const READABLE_PREFIX = 'incoming/';

export interface PresignedRead {
  url: string;
  expiresAt: string;
}

/** A short-lived GET of one uploaded object (an image or an example), `seconds` (PRESIGN_SECONDS) long. */
export const presignRead = async (bucket: string, key: string, now: Date, seconds: number): Promise<PresignedRead> => {
  if (!key.startsWith(READABLE_PREFIX) || key.split('/').includes('..')) {
    throw new Error(`refusing to presign ${key}: only ${READABLE_PREFIX} objects reach labelers`);
  }
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: seconds });
  return { url, expiresAt: new Date(now.getTime() + seconds * 1000).toISOString() };
};

export const presignSourceRef = (sourceRef: string, now: Date, seconds: number): Promise<PresignedRead> => {
  const { bucket, key } = parseS3Uri(sourceRef);
  return presignRead(bucket, key, now, seconds);
};
