import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridge } from '../../../kernel/aws/event-bridge-client';
import { READY_DETAIL_TYPE, READY_SOURCE, type ReadyDetail } from '../contracts/ready-event';

/** Asks for the job's finalization; finalization is idempotent, so a second request is harmless. */
export type RequestFinalization = (detail: ReadyDetail) => Promise<void>;

/** Finalization requests on the function's event bus (its `EVENT_BUS_NAME`). */
export const finalizationRequests =
  (eventBusName: string): RequestFinalization =>
  async (detail) => {
    const out = await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: READY_SOURCE,
            DetailType: READY_DETAIL_TYPE,
            Detail: JSON.stringify(detail),
            EventBusName: eventBusName,
          },
        ],
      }),
    );
    if ((out.FailedEntryCount ?? 0) > 0) {
      throw new Error(
        `EventBridge rejected the ${READY_DETAIL_TYPE} event: ${out.Entries?.[0]?.ErrorCode ?? 'unknown'}`,
      );
    }
  };
