import completed from '../../../events/labeling-job-completed.json';
import scheduled from '../../../events/scheduled-sweep.json';
import { EventBridgeEvent } from '../../../functions/kernel/contracts/eventbridge-event';
import { parseOrThrow } from '../../../functions/kernel/parse';

describe('EventBridgeEvent', () => {
  it.each([
    ['the documented Ground Truth state change', completed],
    ['a scheduled event', scheduled],
  ])('reads %s as it is', (_what, event) => {
    expect(EventBridgeEvent.parse(event)).toEqual(event);
  });

  it('names each envelope field that is missing or malformed', () => {
    const { account: _missing, ...event } = { ...completed, time: '2018-10-06 12:26', resources: 'arn' };

    const parse = () => parseOrThrow(EventBridgeEvent, event, 'event');

    expect(parse).toThrow(
      'event is invalid: account: Invalid input: expected string, received undefined; time: Invalid ISO datetime; resources: Invalid input: expected array, received string',
    );
  });
});
