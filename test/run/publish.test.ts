import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as publishFailure } from '../../functions/run/publish-failure/handler';
import { handler as publishResult } from '../../functions/run/publish-result/handler';
import { planRun } from '../../functions/run/rules/run-plan';
import { fakeContext } from '../fake-context';

const eventBridge = mockClient(EventBridgeClient);
const runContext = (executionName: string) =>
  planRun({ bucket: 'b', prefix: 'incoming/logos/' }, executionName, {
    dataBucket: 'b',
    defaultLabels: ['acme'],
    labelingBackend: 'ground-truth',
  });
const entry = () => eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];

describe('publish-result and publish-failure', () => {
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-9' }] });
  });

  it('announces success on the default bus with source labeling-pipeline', async () => {
    const out = await publishResult({ bucket: 'b', prefix: 'incoming/logos/' }, fakeContext);

    expect(out).toEqual({ eventId: 'evt-9', detailType: 'Labeling Pipeline Succeeded' });
    expect(entry()).toMatchObject({
      Source: 'labeling-pipeline',
      DetailType: 'Labeling Pipeline Succeeded',
      EventBusName: 'default',
    });
  });

  it('announces a failure with the original error name and message', async () => {
    const cause = JSON.stringify({ errorType: 'LabelingJobFailed', errorMessage: 'workteam not found' });

    await publishFailure(
      { bucket: 'b', prefix: 'incoming/logos/', error: { Error: 'LabelingJobFailed', Cause: cause } },
      fakeContext,
    );

    expect(entry()?.DetailType).toBe('Labeling Pipeline Failed');
    expect(JSON.parse(entry()?.Detail ?? '{}').error).toEqual({
      name: 'LabelingJobFailed',
      cause: 'workteam not found',
    });
  });

  it('names no labeling job when the run failed before it reached the labeling step', async () => {
    const run = runContext('r-1');
    const validation = { total: 3, accepted: 0, rejected: 3, byReason: { TOO_SMALL: 3 }, reportUri: 's3://b/v.json' };

    await publishFailure({ run, validation, error: { Error: 'NoValidImages', Cause: 'all rejected' } }, fakeContext);

    expect(JSON.parse(entry()?.Detail ?? '{}')).not.toHaveProperty('labelingJobName');
  });

  it('names the labeling job of a run that failed after starting it', async () => {
    const run = runContext('r-2');
    const manifest = { manifestUri: 's3://b/m', labelCategoryConfigUri: 's3://b/c', objects: 3 };

    await publishFailure({ run, manifest, error: { Error: 'LabelingJobFailed', Cause: 'x' } }, fakeContext);

    expect(JSON.parse(entry()?.Detail ?? '{}').labelingJobName).toBe('r-2');
  });

  it('announces a failure even when the state holds malformed parts', async () => {
    await publishFailure(
      { bucket: 42, run: 'garbage', error: { Error: 'InvalidInput', Cause: 'bucket: expected string' } },
      fakeContext,
    );

    expect(JSON.parse(entry()?.Detail ?? '{}')).toMatchObject({ error: { name: 'InvalidInput' } });
  });

  it('throws when EventBridge rejects the entry, so the state retries', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] });

    await expect(publishResult({}, fakeContext)).rejects.toThrow(
      'EventBridge rejected the Labeling Pipeline Succeeded event',
    );
  });
});
