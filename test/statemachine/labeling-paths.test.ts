import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteObjectCommand,
  type DeleteObjectCommandInput,
  GetObjectCommand,
  type GetObjectCommandInput,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandInput,
  NoSuchKey,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateLabelingJobCommand,
  DescribeLabelingJobCommand,
  type DescribeLabelingJobCommandOutput,
  SageMakerClient,
  StopLabelingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import scheduledEvent from '../../events/scheduled-sweep.json';
import { handler as labelingJobEvents } from '../../functions/labeling/ground-truth/labeling-job-events/handler';
import { handler as sweepTaskTokens } from '../../functions/labeling/sweep-task-tokens/handler';
import { fakeContext } from '../fake-context';
import { runStateMachine } from './harness';
import { datasetOutput, datasetsOutput, manifestOutput, validationStates } from './stage-outputs';

const s3 = mockClient(S3Client);
const sageMaker = mockClient(SageMakerClient);
const eventBridge = mockClient(EventBridgeClient);

const BUCKET = 'labeling-pipeline-local-data';
const RUN_ID = 'logos-2026-test';
const runUri = `s3://${BUCKET}/runs/${RUN_ID}`;
const OUTPUT = `${runUri}/labeling/output/${RUN_ID}/manifests/output/output.manifest`;
const TOKEN_KEY = `task-tokens/${RUN_ID}.json`;
const input = { bucket: BUCKET, prefix: 'incoming/logos-2026/', labelingBackend: 'ground-truth' };
const COUNTERS = { TotalLabeled: 4, HumanLabeled: 4, MachineLabeled: 0, FailedNonRetryableError: 0, Unlabeled: 0 };

// The AWS documentation's sample event, pointed at this run's job.
const docsEvent = JSON.parse(readFileSync(join(__dirname, '../../events/labeling-job-completed.json'), 'utf8'));
const stateChange = (status: string) => ({
  ...docsEvent,
  resources: [`arn:aws:sagemaker:us-east-1:111122223333:labeling-job/${RUN_ID}`],
  detail: { LabelingJobStatus: status },
});

/** PrepareRun runs for real; validation and manifest are fixed; everything after labeling is stubbed. */
const postProcessInputs: unknown[] = [];
const overrides = {
  ...validationStates(),
  BuildManifest: async () => manifestOutput(),
  PostProcess: async (state: unknown) => {
    postProcessInputs.push(state);
    return datasetOutput({ boxes: 6 });
  },
  CreateDataset: async () => datasetsOutput('CREATE_IN_PROGRESS', 0),
  CheckDatasets: async () => datasetsOutput('CREATE_COMPLETE', 1),
};

/** A small in-memory bucket, so the real handlers hand the token to each other through "S3". */
const objects = new Map<string, string>();
const written = new Map<string, Date>();
const fakeBucket = () => {
  s3.on(PutObjectCommand).callsFake((request: PutObjectCommandInput) => {
    objects.set(String(request.Key), String(request.Body));
    written.set(String(request.Key), new Date());
    return {};
  });
  s3.on(ListObjectsV2Command).callsFake((request: ListObjectsV2CommandInput) => ({
    Contents: [...objects.keys()]
      .filter((key) => key.startsWith(String(request.Prefix)))
      .map((key) => ({ Key: key, LastModified: written.get(key) })),
  }));
  s3.on(GetObjectCommand).callsFake((request: GetObjectCommandInput) => {
    const text = objects.get(String(request.Key));
    if (text === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: { transformToString: async () => text } as unknown as GetObjectCommandOutput['Body'] };
  });
  s3.on(DeleteObjectCommand).callsFake((request: DeleteObjectCommandInput) => {
    objects.delete(String(request.Key));
    return {};
  });
};

const jobIs = (output: Partial<DescribeLabelingJobCommandOutput>) =>
  sageMaker.on(DescribeLabelingJobCommand).resolves({
    LabelingJobName: RUN_ID,
    LabelingJobOutput: { OutputDatasetS3Uri: OUTPUT },
    LabelCounters: COUNTERS,
    Tags: [{ Key: 'labeling-pipeline:run-id', Value: RUN_ID }],
    ...output,
  });

/** Delivers Ground Truth's state-change event to the real labeling-job-events handler. */
const groundTruthReports = (...statuses: string[]) => ({
  onLabelingJobStarted: async () => {
    for (const status of statuses) await labelingJobEvents(stateChange(status), fakeContext);
  },
});

const LABELING_PATH = [
  'PrepareRun',
  'PlanValidation',
  'ValidateImages',
  'SummarizeValidation',
  'HasValidImages',
  'BuildManifest',
  'StartLabelingJobAndWait',
];
const FAILED_TAIL = ['PublishFailure', 'Failed'];

describe('labeling paths', () => {
  beforeEach(() => {
    s3.reset();
    sageMaker.reset();
    eventBridge.reset();
    objects.clear();
    written.clear();
    postProcessInputs.length = 0;
    fakeBucket();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  });

  it('stores the token, creates the job and continues with the result when the job completes', async () => {
    jobIs({ LabelingJobStatus: 'Completed' });

    const result = await runStateMachine({ input, overrides, ...groundTruthReports('Completed') });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.path.slice(0, LABELING_PATH.length + 1)).toEqual([...LABELING_PATH, 'PostProcess']);
    expect(sageMaker).toHaveReceivedCommandWith(CreateLabelingJobCommand, { LabelingJobName: RUN_ID });
    expect(postProcessInputs[0]).toMatchObject({
      labeling: { jobName: RUN_ID, status: 'Completed', outputManifestS3Uri: OUTPUT, labelCounters: COUNTERS },
    });
    expect(objects.has(TOKEN_KEY)).toBe(false);
    expect(JSON.parse(objects.get(`runs/${RUN_ID}/labeling/job.json`) ?? '{}')).toMatchObject({
      jobName: RUN_ID,
      autoLabeling: { enabled: false, code: 'NOT_REQUESTED' },
    });
  });

  it('resumes once when Ground Truth sends the Completed event twice', async () => {
    jobIs({ LabelingJobStatus: 'Completed' });

    const result = await runStateMachine({ input, overrides, ...groundTruthReports('Completed', 'Completed') });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.path.filter((s) => s === 'PostProcess')).toHaveLength(1);
    expect(sageMaker).toHaveReceivedCommandTimes(DescribeLabelingJobCommand, 1);
  });

  it.each([
    [
      'Failed',
      { FailureReason: 'ClientError: the workteam does not exist' },
      'LabelingJobFailed',
      'workteam does not exist',
    ],
    ['Stopped', {}, 'LabelingJobStopped', 'was stopped'],
    [
      'Completed',
      { LabelCounters: { TotalLabeled: 0, Unlabeled: 4 } },
      'NothingLabeled',
      'without labeling any object',
    ],
  ] as const)('fails the run when the job ends %s (%s)', async (status, details, error, cause) => {
    jobIs({ LabelingJobStatus: status, ...details });

    const result = await runStateMachine({ input, overrides, ...groundTruthReports(status) });

    expect(result.status).toBe('FAILED');
    expect(result.path).toEqual([...LABELING_PATH, ...FAILED_TAIL]);
    expect(result.error?.Error).toBe(error);
    expect(result.error?.Cause).toContain(cause);
  });

  describe('when the wait times out', () => {
    const timeout = { input, overrides, labelingWaitTimesOut: true };

    it('reconciles a job that completed and continues with its result', async () => {
      jobIs({ LabelingJobStatus: 'Completed' });

      const result = await runStateMachine(timeout);

      expect(result.status).toBe('SUCCEEDED');
      expect(result.path.slice(0, LABELING_PATH.length + 2)).toEqual([
        ...LABELING_PATH,
        'ReconcileLabelingJob',
        'PostProcess',
      ]);
      expect(postProcessInputs[0]).toMatchObject({ labeling: { jobName: RUN_ID, outputManifestS3Uri: OUTPUT } });
      expect(objects.has(TOKEN_KEY)).toBe(false);
    });

    it.each([
      ['Failed', { FailureReason: 'Internal error' }, 'LabelingJobFailed'],
      ['Stopped', {}, 'LabelingJobStopped'],
      ['Completed', { LabelCounters: { TotalLabeled: 0 } }, 'NothingLabeled'],
    ] as const)('fails the run for a %s job with %s', async (status, details, error) => {
      jobIs({ LabelingJobStatus: status, ...details });

      const result = await runStateMachine(timeout);

      expect(result.status).toBe('FAILED');
      expect(result.path).toEqual([...LABELING_PATH, 'ReconcileLabelingJob', ...FAILED_TAIL]);
      expect(result.error?.Error).toBe(error);
      expect(sageMaker).not.toHaveReceivedCommand(StopLabelingJobCommand);
    });

    it('stops a job that is still running and fails with LabelingJobTimedOut', async () => {
      jobIs({ LabelingJobStatus: 'InProgress' });

      const result = await runStateMachine(timeout);

      expect(result.status).toBe('FAILED');
      expect(result.path).toEqual([...LABELING_PATH, 'ReconcileLabelingJob', ...FAILED_TAIL]);
      expect(result.error?.Error).toBe('LabelingJobTimedOut');
      expect(result.error?.Cause).toContain('was still InProgress');
      expect(sageMaker).toHaveReceivedCommandWith(StopLabelingJobCommand, { LabelingJobName: RUN_ID });
    });
  });

  describe('when the completion event is lost', () => {
    /** The scheduled sweep, as EventBridge invokes it `minutesLater` after now. */
    const sweepAt = (minutesLater: number) =>
      sweepTaskTokens(
        { ...scheduledEvent, time: new Date(Date.now() + minutesLater * 60_000).toISOString() },
        fakeContext,
      );

    it('resumes the run from the hourly sweep once the token is an hour old, and only once', async () => {
      jobIs({ LabelingJobStatus: 'Completed' });
      const sweeps: unknown[] = [];

      const result = await runStateMachine({
        input,
        overrides,
        onLabelingJobStarted: async () => {
          sweeps.push(await sweepAt(30));
          sweeps.push(await sweepAt(61));
          sweeps.push(await sweepAt(122));
          // The event turns up after all: it finds no token and changes nothing.
          await labelingJobEvents(stateChange('Completed'), fakeContext);
        },
      });

      expect(result.status).toBe('SUCCEEDED');
      expect(result.path).not.toContain('ReconcileLabelingJob');
      expect(result.path.filter((s) => s === 'PostProcess')).toHaveLength(1);
      expect(postProcessInputs[0]).toMatchObject({ labeling: { jobName: RUN_ID, outputManifestS3Uri: OUTPUT } });
      expect(sweeps).toEqual([
        { checked: 0, tokens: [] },
        { checked: 1, tokens: [{ jobName: RUN_ID, action: 'resumed', outcome: 'Completed' }] },
        { checked: 0, tokens: [] },
      ]);
      expect(objects.has(TOKEN_KEY)).toBe(false);
    });

    it('resumes the run once when the sweep and a late event arrive together', async () => {
      jobIs({ LabelingJobStatus: 'Completed' });
      let outcomes: unknown[] = [];

      const result = await runStateMachine({
        input,
        overrides,
        onLabelingJobStarted: async () => {
          outcomes = await Promise.all([sweepAt(90), labelingJobEvents(stateChange('Completed'), fakeContext)]);
        },
      });

      expect(result.status).toBe('SUCCEEDED');
      expect(result.path.filter((s) => s === 'PostProcess')).toHaveLength(1);
      const actions = JSON.stringify(outcomes);
      expect(actions.match(/"resumed"/g)).toHaveLength(1);
    });

    it('fails the run from the sweep when the job ended Failed', async () => {
      jobIs({ LabelingJobStatus: 'Failed', FailureReason: 'ClientError: no workers' });

      const result = await runStateMachine({
        input,
        overrides,
        onLabelingJobStarted: async () => void (await sweepAt(61)),
      });

      expect(result.status).toBe('FAILED');
      expect(result.path).toEqual([...LABELING_PATH, ...FAILED_TAIL]);
      expect(result.error).toMatchObject({ Error: 'LabelingJobFailed', Cause: expect.stringContaining('no workers') });
    });

    it('leaves a job that is still running to its event or the wait', async () => {
      jobIs({ LabelingJobStatus: 'InProgress' });
      let swept: unknown;

      const result = await runStateMachine({
        input,
        overrides,
        labelingWaitTimesOut: false,
        onLabelingJobStarted: async () => {
          swept = await sweepAt(61);
          jobIs({ LabelingJobStatus: 'Completed' });
          await labelingJobEvents(stateChange('Completed'), fakeContext);
        },
      });

      expect(swept).toEqual({ checked: 1, tokens: [{ jobName: RUN_ID, action: 'left', reason: 'InProgress' }] });
      expect(result.status).toBe('SUCCEEDED');
    });
  });
});
