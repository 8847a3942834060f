import { toS3Uri } from '../../kernel/rules/s3-uri';

/** Ground Truth's label category configuration format (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-label-cat-config-attributes.html, `LabelCategoryConfigS3Uri`). */
export interface LabelCategoryConfig {
  'document-version': '2018-11-28';
  labels: Array<{ label: string }>;
}

/**
 * One input-manifest line for an image: `{"source-ref":"s3://bucket/key"}` and a newline. Ground
 * Truth reads the key raw, exactly as S3 stores it (no URL encoding); JSON escaping takes care of
 * quotes, backslashes and control characters. A line is at most 100,000 characters (https://docs.aws.amazon.com/sagemaker/latest/dg/input-data-limits.html);
 * S3 keys are at most 1,024 bytes, so a line is always far below that.
 */
export const manifestLine = (bucket: string, key: string): string =>
  `${JSON.stringify({ 'source-ref': toS3Uri({ bucket, key }) })}\n`;

/** The input manifest, line by line, for streaming to S3 in constant memory. */
export function* manifestLines(bucket: string, keys: Iterable<string>): Generator<string> {
  for (const key of keys) yield manifestLine(bucket, key);
}

/** The label category configuration for already-checked labels (see `checkLabels`). */
export const labelCategoryConfig = (labels: readonly string[]): LabelCategoryConfig => ({
  'document-version': '2018-11-28',
  labels: labels.map((label) => ({ label })),
});
