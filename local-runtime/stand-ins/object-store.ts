import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { hasErrorName } from '../../functions/kernel/aws/sdk-errors';
import { parseS3Uri } from '../../functions/kernel/rules/s3-uri';

/** How the service stand-ins read and write the local bucket (the real services use S3 too). */
export interface ObjectStore {
  /** The object's text, or `undefined` when it does not exist. */
  getText(uri: string): Promise<string | undefined>;
  putText(uri: string, text: string, contentType?: string): Promise<void>;
}

/** An ObjectStore over an S3 client pointed at the local S3 server. */
export const s3ObjectStore = (client: S3Client): ObjectStore => ({
  async getText(uri) {
    const { bucket, key } = parseS3Uri(uri);
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return out.Body ? await out.Body.transformToString('utf8') : '';
    } catch (error) {
      if (hasErrorName(error, 'NoSuchKey')) return undefined;
      throw error;
    }
  },
  async putText(uri, text, contentType = 'application/octet-stream') {
    const { bucket, key } = parseS3Uri(uri);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: contentType }));
  },
});
