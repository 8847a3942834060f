import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridge } from '../../kernel/aws/event-bridge-client';
import { PIPELINE_EVENT_SOURCE } from '../contracts/pipeline-events';

/** Puts one pipeline event on `busName`; a rejected entry is an error so the state's Retry can try again. */
export const publishEvent = async (busName: string, detailType: string, detail: object): Promise<string> => {
  const out = await eventBridge.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: PIPELINE_EVENT_SOURCE,
          DetailType: detailType,
          Detail: JSON.stringify(detail),
          EventBusName: busName,
        },
      ],
    }),
  );
  const entry = out.Entries?.[0];
  if ((out.FailedEntryCount ?? 0) > 0 || entry?.EventId === undefined) {
    throw new Error(
      `EventBridge rejected the ${detailType} event: ${entry?.ErrorCode ?? 'no event id'} ${entry?.ErrorMessage ?? ''}`,
    );
  }
  return entry.EventId;
};
