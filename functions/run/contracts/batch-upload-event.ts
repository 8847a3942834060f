/**
 * "Object Created" from `aws.s3` for a batch.json upload: the BatchUploadedRule pattern
 * (infra/event-rules.yml) for one bucket. The template test compares the deployed pattern with
 * it, and the local runtime routes the upload event with it. Wildcard matching:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-create-pattern-wildcard
 */
export const OBJECT_CREATED_SOURCE = 'aws.s3';
export const OBJECT_CREATED_DETAIL_TYPE = 'Object Created';
/** The same keys as `batchPrefixOf` accepts; a `*` also spans `/`, so the handler checks the depth again. */
export const BATCH_FILE_WILDCARD = 'incoming/*/batch.json';

export const batchUploadedPattern = <B>(bucket: B) => ({
  source: [OBJECT_CREATED_SOURCE],
  'detail-type': [OBJECT_CREATED_DETAIL_TYPE],
  detail: { bucket: { name: [bucket] }, object: { key: [{ wildcard: BATCH_FILE_WILDCARD }] } },
});
