import { parseOrThrow } from '../../../functions/kernel/parse';
import { ObjectCreatedEvent } from '../../../functions/run/contracts/batch-upload-event';
import documented from '../../fixtures/aws-docs/s3-object-created.json';

describe('ObjectCreatedEvent', () => {
  it('reads the documented sample event, with the fields the trigger uses', () => {
    const event = ObjectCreatedEvent.parse(documented);

    expect(event).toEqual(documented);
    expect(event.detail).toMatchObject({
      bucket: { name: 'username-sfn-tutorial' },
      object: { key: 'test.png', etag: 'f31d8546bb67845b4d3048cde533b937', sequencer: '00621049BA9A8C712B' },
    });
  });

  it('reads an upload without sequencer, ETag or source address', () => {
    const { sequencer: _s, etag: _e, ...object } = documented.detail.object;
    const { 'source-ip-address': _ip, ...detail } = documented.detail;

    expect(ObjectCreatedEvent.safeParse({ ...documented, detail: { ...detail, object } }).success).toBe(true);
  });

  it('names every detail field that is missing or malformed', () => {
    const event = {
      ...documented,
      detail: { ...documented.detail, bucket: {}, object: { size: -1 }, 'source-ip-address': 'localhost' },
    };

    const parse = () => parseOrThrow(ObjectCreatedEvent, event, 'S3 Object Created event');

    expect(parse).toThrow(
      'S3 Object Created event is invalid: detail.bucket.name: Invalid input: expected string, received undefined; detail.object.key: Invalid input: expected string, received undefined; detail.object.size: Too small: expected number to be >=0; detail.source-ip-address: Invalid IPv4 address',
    );
  });
});
