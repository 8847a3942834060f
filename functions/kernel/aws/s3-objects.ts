import type { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { parseJson } from '../parse';
import { toS3Uri } from '../rules/s3-uri';
import type * as z from '../schema';
import { s3 } from './s3-client';
import { hasErrorName } from './sdk-errors';

export interface ListedObject {
  key: string;
  size: number;
  etag?: string;
}

/** Lists every object under `prefix`, page by page (1,000 keys a page). */
export async function* listObjects(bucket: string, prefix: string): AsyncGenerator<ListedObject> {
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const item of page.Contents ?? []) {
      if (item.Key !== undefined) yield { key: item.Key, size: item.Size ?? 0, etag: item.ETag };
    }
  }
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
    if (hasErrorName(error, 'NoSuchKey', 'NotFound')) return undefined;
    throw error;
  }
};

/**
 * Reads an object as JSON checked against `schema`, or `undefined` when it does not exist. Text
 * that is not JSON, or JSON that breaks the contract, is `InvalidInput` naming `what` (default:
 * the object's s3:// URI) and every bad field.
 */
export const readJsonIfExists = async <S extends z.core.$ZodType>(
  bucket: string,
  key: string,
  schema: S,
  what = toS3Uri({ bucket, key }),
): Promise<z.infer<S> | undefined> => {
  const text = await getTextIfExists(bucket, key);
  return text === undefined ? undefined : parseJson(schema, text, what);
};

/** As `readJsonIfExists`, for an object that must exist (a missing one fails with S3's NoSuchKey). */
export const readJson = async <S extends z.core.$ZodType>(
  bucket: string,
  key: string,
  schema: S,
  what = toS3Uri({ bucket, key }),
): Promise<z.infer<S>> => parseJson(schema, await getText(bucket, key), what);

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
