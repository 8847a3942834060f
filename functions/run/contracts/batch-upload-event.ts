import { EventBridgeEvent } from '../../kernel/contracts/eventbridge-event';
import * as z from '../../kernel/schema';

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

/**
 * The "Object Created" event itself (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html):
 * the detail fields Powertools' `S3EventNotificationEventBridgeSchema` checked for this event
 * type. The handler reads the bucket, the key, and the sequencer or ETag that version the upload.
 * As there, `source` and `detail-type` are any string: the rule's pattern is what filters them.
 */
export const ObjectCreatedEvent = z.extend(EventBridgeEvent, {
  detail: z.object({
    version: z.string(),
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string(),
      size: z.optional(z.number().check(z.nonnegative())),
      etag: z.optional(z.string()),
      'version-id': z.optional(z.string()),
      sequencer: z.optional(z.string()),
    }),
    'request-id': z.string(),
    requester: z.string(),
    'source-ip-address': z.optional(z.ipv4()),
    reason: z.optional(z.string()),
  }),
});
export type ObjectCreatedEvent = z.infer<typeof ObjectCreatedEvent>;
