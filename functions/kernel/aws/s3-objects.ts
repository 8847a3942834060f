import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, NotFound, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { s3 } from './clients';

export interface ListedObject {
  key: string;
  size: number;
  etag?: string;
}

/** Lists every object under `prefix`, page by page (1,000 keys a page). */
export async function* listObjects(bucket: string, prefix: string): AsyncGenerator<ListedObject> {
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
    for (const item of page.Contents ?? []) {
      if (item.Key !== undefined) yield { key: item.Key, size: item.Size ?? 0, etag: item.ETag };
    }
    ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (ContinuationToken);
}

/** Reads bytes `[start, end)` of an object; returns fewer when the object is shorter. */
export const readRange = async (bucket: string, key: string, start: number, end: number): Promise<Uint8Array> => {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }));
  return out.Body ? out.Body.transformToByteArray() : new Uint8Array();
};

/** Reads a whole object as text. */
export const getText = async (bucket: string, key: string): Promise<string> => {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return out.Body ? out.Body.transformToString('utf-8') : '';
};

/** Reads a whole object as text, or `undefined` when it does not exist. */
export const getTextIfExists = async (bucket: string, key: string): Promise<string | undefined> => {
  try {
    return await getText(bucket, key);
  } catch (error) {
    if (error instanceof NoSuchKey || error instanceof NotFound) return undefined;
    throw error;
  }
};

/** Opens an object as a Node stream, for line-by-line processing in constant memory. */
export const openStream = async (bucket: string, key: string): Promise<Readable> => {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return out.Body as Readable;
};

export const putText = async (bucket: string, key: string, body: string, contentType: string): Promise<void> => {
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
};

export const putJson = (bucket: string, key: string, value: unknown): Promise<void> =>
  putText(bucket, key, `${JSON.stringify(value, null, 2)}\n`, 'application/json');

/** Streams `body` to S3 as a multipart upload, so output size never bounds memory. */
export const uploadStream = async (bucket: string, key: string, body: Readable, contentType: string): Promise<void> => {
  await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType } }).done();
};
