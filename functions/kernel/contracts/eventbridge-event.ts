import * as z from '../schema';

/**
 * The envelope every EventBridge event carries (https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html):
 * the fields Powertools' `EventBridgeSchema` checked, written on zod/mini so a bundle does not
 * pull in classic zod for them. Each event contract extends it with its `source`, `detail-type`
 * and `detail`.
 */
export const EventBridgeEvent = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.optional(z.string()),
});
export type EventBridgeEvent = z.infer<typeof EventBridgeEvent>;
