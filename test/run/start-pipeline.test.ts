import { Readable } from 'node:stream';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import uploadEvent from '../../events/s3-batch-uploaded.json';
import { handler } from '../../functions/run/start-pipeline/handler';
import { fakeContext } from '../fake-context';

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);

const body = (text: string) => ({ Body: sdkStreamMixin(Readable.from([Buffer.from(text)])) });
const withKey = (key: string) => ({
  ...uploadEvent,
  detail: { ...uploadEvent.detail, object: { ...uploadEvent.detail.object, key } },
});
const startedInput = () => JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');

describe('start-pipeline', () => {
  beforeEach(() => {
    s3.reset();
    sfn.reset();
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:x:y' });
  });

  it('starts one execution for a batch.json upload, with its options and a deterministic name', async () => {
    s3.on(GetObjectCommand).resolves(body('{"labels":["acme"],"workersPerObject":5}'));

    const outcome = await handler(uploadEvent, fakeContext);

    expect(outcome).toEqual({ started: true, executionArn: 'arn:aws:states:us-east-1:123456789012:execution:x:y' });
    const call = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(call?.name).toMatch(/^logos-2026-11-[0-9a-f]{16}$/);
    expect(call?.stateMachineArn).toBe(process.env.STATE_MACHINE_ARN);
    expect(startedInput()).toMatchObject({
      bucket: 'labeling-pipeline-local-data',
      prefix: 'incoming/logos-2026-11/',
      labels: ['acme'],
      workersPerObject: 5,
      trigger: { source: 's3', key: 'incoming/logos-2026-11/batch.json', sequencer: '00621049BA9A8C712B' },
    });
  });

  it('gives a duplicated event the same name and reports the duplicate instead of failing', async () => {
    s3.on(GetObjectCommand).callsFake(() => body('{}'));
    await handler(uploadEvent, fakeContext);
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    const second = await handler(uploadEvent, fakeContext);

    expect(second).toEqual({ started: false, reason: 'duplicate' });
    const names = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name);
    expect(names[0]).toBe(names[1]);
  });

  it('treats an empty batch.json as all defaults', async () => {
    s3.on(GetObjectCommand).resolves(body(''));

    await handler(uploadEvent, fakeContext);

    expect(Object.keys(startedInput()).sort()).toEqual(['bucket', 'prefix', 'trigger']);
  });

  it('fails loudly on a batch.json that is not JSON, naming the key', async () => {
    s3.on(GetObjectCommand).resolves(body('{labels: acme'));

    await expect(handler(uploadEvent, fakeContext)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining(
        's3://labeling-pipeline-local-data/incoming/logos-2026-11/batch.json is not valid JSON',
      ),
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('accepts a batch.json that starts with a UTF-8 byte-order mark', async () => {
    s3.on(GetObjectCommand).resolves({
      Body: sdkStreamMixin(
        Readable.from([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"labels":["acme"]}')])]),
      ),
    });

    const outcome = await handler(uploadEvent, fakeContext);

    expect(outcome).toMatchObject({ started: true });
    expect(startedInput()).toMatchObject({ labels: ['acme'] });
  });

  it('starts nothing for labels PrepareRun would refuse, such as two that differ only by case', async () => {
    s3.on(GetObjectCommand).resolves(body('{"labels":["Acme","acme"]}'));

    await expect(handler(uploadEvent, fakeContext)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/batch\.json: labels: label "acme" repeats "Acme"/),
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('starts nothing for an empty label list', async () => {
    s3.on(GetObjectCommand).resolves(body('{"labels":[]}'));

    await expect(handler(uploadEvent, fakeContext)).rejects.toMatchObject({ name: 'InvalidInput' });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('fails loudly on an unknown or mistyped option, naming the field', async () => {
    s3.on(GetObjectCommand).resolves(body('{"workersPerObject":"three","colour":"red"}'));

    await expect(handler(uploadEvent, fakeContext)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/workersPerObject.*|colour/),
    });
  });

  it('reads a form-encoded key under its decoded name when the raw one does not exist', async () => {
    s3.on(GetObjectCommand, { Key: 'incoming/logos+nov/batch.json' }).rejects(
      new NoSuchKey({ message: 'no', $metadata: {} }),
    );
    s3.on(GetObjectCommand, { Key: 'incoming/logos nov/batch.json' }).resolves(body('{}'));

    await handler(withKey('incoming/logos+nov/batch.json'), fakeContext);

    expect(startedInput()).toMatchObject({
      prefix: 'incoming/logos nov/',
      trigger: { key: 'incoming/logos nov/batch.json' },
    });
  });

  it('ignores an object that is not a batch.json', async () => {
    s3.on(GetObjectCommand).resolves(body('{}'));

    const outcome = await handler(withKey('incoming/logos/nested/batch.json'), fakeContext);

    expect(outcome).toEqual({ started: false, reason: 'not-a-batch-file' });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('rejects an event that is not an S3 Object Created event', async () => {
    await expect(handler({ source: 'aws.s3', detail: {} }, fakeContext)).rejects.toMatchObject({
      name: 'InvalidInput',
    });
  });
});
