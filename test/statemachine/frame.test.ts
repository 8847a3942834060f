import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { runStateMachine } from './harness';
import {
  datasetOutput,
  datasetsOutput,
  labelingOutput,
  manifestOutput,
  PIPELINE_INPUT,
  validationStates,
} from './stage-outputs';

const eventBridge = mockClient(EventBridgeClient);

const input = PIPELINE_INPUT;

const stubbed = {
  ...validationStates({ total: 3, accepted: 2, rejected: 1, byReason: { TOO_SMALL: 1 } }),
  BuildManifest: async () => manifestOutput(2),
  StartLabelingJobAndWait: async () => labelingOutput({ TotalLabeled: 2 }),
  PostProcess: async () => datasetOutput({ train: 1, test: 1 }),
  CreateDataset: async () => datasetsOutput('CREATE_IN_PROGRESS', 0),
  CheckDatasets: async () => datasetsOutput('CREATE_COMPLETE', 1),
};

const publishedDetail = (index: number) => {
  const entry = eventBridge.commandCalls(PutEventsCommand)[index]?.args[0].input.Entries?.[0];
  return { detailType: entry?.DetailType, detail: JSON.parse(entry?.Detail ?? '{}') };
};

describe('state machine frame', () => {
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
  });

  it('runs from PrepareRun to PublishResult and announces success', async () => {
    const result = await runStateMachine({ input, overrides: stubbed });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.path).toEqual([
      'PrepareRun',
      'PlanValidation',
      'ValidateImages',
      'SummarizeValidation',
      'HasValidImages',
      'BuildManifest',
      'StartLabelingJobAndWait',
      'PostProcess',
      'CreateDataset',
      'WaitForDatasets',
      'CheckDatasets',
      'DatasetsReady',
      'TrainingRequested',
      'PublishResult',
      'Succeeded',
    ]);
    expect(result.transitions).toBe(15);
    const { detailType, detail } = publishedDetail(0);
    expect(detailType).toBe('Labeling Pipeline Succeeded');
    expect(detail).toMatchObject({
      runId: 'logos-2026-test',
      batch: 'logos-2026',
      counts: { imagesRejected: 1, train: 1 },
    });
  });

  it('fails a bad execution input with InvalidInput naming the field, and announces it', async () => {
    const result = await runStateMachine({ input: { ...input, workersPerObject: 12 }, overrides: stubbed });

    expect(result.status).toBe('FAILED');
    expect(result.path).toEqual(['PrepareRun', 'InputRejected', 'PublishFailure', 'Failed']);
    expect(result.error?.Error).toBe('InvalidInput');
    expect(result.error?.Cause).toContain('workersPerObject');
    const { detailType, detail } = publishedDetail(0);
    expect(detailType).toBe('Labeling Pipeline Failed');
    expect(detail.error.name).toBe('InvalidInput');
    expect(detail.error.cause).toContain('workersPerObject');
    expect(detail.batch).toBe('logos-2026');
  });

  it.each([
    ['null', null],
    ['an array', [1, 2]],
    ['a string', 'x'],
    ['a number', 7],
  ])('fails an execution input that is %s with InvalidInput and announces it', async (_what, notAnObject) => {
    const result = await runStateMachine({ input: notAnObject, overrides: stubbed });

    expect(result.status).toBe('FAILED');
    expect(result.path).toEqual(['PrepareRun', 'InputRejected', 'PublishFailure', 'Failed']);
    expect(result.error?.Error).toBe('InvalidInput');
    expect(result.error?.Cause).toContain('execution input');
    const { detailType, detail } = publishedDetail(0);
    expect(detailType).toBe('Labeling Pipeline Failed');
    expect(detail.error.name).toBe('InvalidInput');
    expect(detail.labelingJobName).toBeUndefined();
  });

  it('absorbs a transient Lambda error with Retry', async () => {
    let calls = 0;
    const flaky = async () => {
      calls += 1;
      if (calls === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'Lambda.TooManyRequestsException' });
      return stubbed.SummarizeValidation();
    };

    const result = await runStateMachine({ input, overrides: { ...stubbed, SummarizeValidation: flaky } });

    expect(result.status).toBe('SUCCEEDED');
    expect(calls).toBe(2);
    expect(result.path.filter((s) => s === 'SummarizeValidation')).toHaveLength(1);
    expect(result.stateErrors.some((e) => e.state === 'SummarizeValidation')).toBe(true);
  });

  it('routes a domain error to PublishFailure without retrying it, keeping the original error', async () => {
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw Object.assign(new Error('Rekognition rejected the manifest'), { name: 'DatasetCreationFailed' });
    };

    const result = await runStateMachine({ input, overrides: { ...stubbed, CheckDatasets: failing } });

    expect(result.status).toBe('FAILED');
    expect(calls).toBe(1);
    expect(result.path.slice(-3)).toEqual(['CheckDatasets', 'PublishFailure', 'Failed']);
    expect(result.error).toEqual({ Error: 'DatasetCreationFailed', Cause: 'Rekognition rejected the manifest' });
    expect(publishedDetail(0).detail.error).toEqual({
      name: 'DatasetCreationFailed',
      cause: 'Rekognition rejected the manifest',
    });
  });

  it('still fails with the original error when announcing the failure fails', async () => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).rejects(new Error('EventBridge down'));

    const result = await runStateMachine({ input: { ...input, labels: [] }, overrides: stubbed });

    expect(result.status).toBe('FAILED');
    expect(result.error?.Error).toBe('InvalidInput');
    expect(result.path).toEqual(['PrepareRun', 'InputRejected', 'PublishFailure', 'Failed']);
  });
});
