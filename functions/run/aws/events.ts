import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridge } from '../../kernel/aws/clients';
import { config } from '../../kernel/config';
import { PIPELINE_EVENT_SOURCE } from '../contracts/pipeline-events';

/** Puts one pipeline event; a rejected entry is an error so the state's Retry can try again. */
export const publishEvent = async (detailType: string, detail: object): Promise<string> => {
  const out = await eventBridge.send(
    new PutEventsCommand({
      Entries: [
        {
          Source: PIPELINE_EVENT_SOURCE,
          DetailType: detailType,
          Detail: JSON.stringify(detail),
          EventBusName: config.EVENT_BUS_NAME,
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
