/** An object's location; keys are kept exactly as S3 stores them (spaces, unicode and all). */
export interface S3Location {
  bucket: string;
  key: string;
}

/**
 * Formats `s3://bucket/key`. Ground Truth and Rekognition read `source-ref` as the raw key
 * after the bucket, without percent-encoding, so none is applied.
 */
export const toS3Uri = ({ bucket, key }: S3Location): string => `s3://${bucket}/${key}`;

/** Parses `s3://bucket/key`; throws a `RangeError` naming the value when it is not one. */
export const parseS3Uri = (uri: string): S3Location => {
  const match = /^s3:\/\/([^/]+)\/(.*)$/s.exec(uri);
  if (!match?.[1]) throw new RangeError(`not an s3:// URI: ${JSON.stringify(uri)}`);
  return { bucket: match[1], key: match[2] ?? '' };
};

/** Joins a prefix and a relative key with exactly one slash between them. */
export const joinKey = (prefix: string, relative: string): string =>
  `${prefix.replace(/\/+$/, '')}/${relative.replace(/^\/+/, '')}`;
