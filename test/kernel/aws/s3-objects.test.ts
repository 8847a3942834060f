import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { readJson, readJsonIfExists } from '../../../functions/kernel/aws/s3-objects';
import { hasErrorName } from '../../../functions/kernel/aws/sdk-errors';
import * as z from '../../../functions/kernel/schema';

const s3 = mockClient(S3Client);
const body = (text: string) => ({ Body: sdkStreamMixin(Readable.from([Buffer.from(text)])) });
const Record = z.object({ jobName: z.string() });

beforeEach(() => s3.reset());

describe('readJson', () => {
  it('reads an object as JSON checked against the schema', async () => {
    s3.on(GetObjectCommand, { Bucket: 'b', Key: 'k.json' }).resolves(body('{"jobName":"j"}'));

    await expect(readJson('b', 'k.json', Record)).resolves.toEqual({ jobName: 'j' });
  });

  it('names the object (its s3:// URI) and the field when the JSON breaks the contract', async () => {
    s3.on(GetObjectCommand).resolves(body('{"jobName":1}'));

    await expect(readJsonIfExists('b', 'k.json', Record)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/^s3:\/\/b\/k\.json is invalid: jobName: /),
    });
  });

  it('returns undefined for a missing object only when asked to', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));

    await expect(readJsonIfExists('b', 'k.json', Record)).resolves.toBeUndefined();
    await expect(readJson('b', 'k.json', Record)).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});

describe('hasErrorName', () => {
  it('matches errors by name, whichever copy of the SDK made them', () => {
    const foreign = Object.assign(new Error('taken'), { name: 'ResourceInUse' });

    expect(hasErrorName(foreign, 'ResourceInUse')).toBe(true);
    expect(hasErrorName(foreign, 'NoSuchKey', 'NotFound')).toBe(false);
    expect(hasErrorName({ name: 'ResourceInUse' }, 'ResourceInUse')).toBe(false);
  });
});
