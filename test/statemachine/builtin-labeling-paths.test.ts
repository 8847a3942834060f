import { Readable } from 'node:stream';
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import {
  DeleteObjectCommand,
  type DeleteObjectCommandInput,
  GetObjectCommand,
  type GetObjectCommandInput,
  NoSuchKey,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateLabelingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { loadSettings } from '../../functions/kernel/config';
import { answerTask } from '../../functions/labeling/builtin/aws/answers';
import { claimTask } from '../../functions/labeling/builtin/aws/claims';
import { finalizationRequests } from '../../functions/labeling/builtin/aws/ready-events';
import { getJob } from '../../functions/labeling/builtin/aws/table';
import { handler as finalize } from '../../functions/labeling/builtin/finalize-job/handler';
import type { Caller } from '../../functions/labeling/builtin/rules/caller';
import type { LocalDynamoDb } from '../../local-runtime/stand-ins/dynamodb-local';
import { fakeContext } from '../fake-context';
import { startTable, table } from '../labeling/builtin/table-fixture';
import { runStateMachine } from './harness';
import {
  BUCKET,
  datasetOutput,
  datasetsOutput,
  manifestOutput,
  RUN_ID as STAGE_RUN_ID,
  validationStates,
} from './stage-outputs';

/**
 * The built-in backend on the real ASL: the real startLabelingJob writes the job to dynalite,
 * simulated labelers answer through the task functions the API uses, the ready event goes to the
 * real finalizeBuiltinJob, and its SendTaskSuccess resumes the waiting state.
 */
const s3 = mockClient(S3Client);
const sageMaker = mockClient(SageMakerClient);
const eventBridge = mockClient(EventBridgeClient);

// One run (and so one job) per test, so every test starts on a fresh job in the shared table.
let RUN_ID = '';
const tokenKey = () => `task-tokens/${RUN_ID}.json`;
const outputKey = () => `runs/${RUN_ID}/labeling/output/${RUN_ID}/manifests/output/output.manifest`;
const IMAGES = 4;

const objects = new Map<string, string>();
const readyEvents: unknown[] = [];
const postProcessInputs: unknown[] = [];

/** Where the canned stage outputs (stage-outputs.ts) put the manifest, categories and validation report. */
const STAGE_RUN = STAGE_RUN_ID;
const seedRunFiles = () => {
  const keys = Array.from({ length: IMAGES }, (_, i) => `incoming/logos-2026/img-${i}.jpg`);
  objects.set(
    `runs/${STAGE_RUN}/labeling/input.manifest`,
    keys.map((k) => JSON.stringify({ 'source-ref': `s3://${BUCKET}/${k}` })).join('\n'),
  );
  objects.set(
    `runs/${STAGE_RUN}/labeling/label-categories.json`,
    JSON.stringify({ 'document-version': '2018-11-28', labels: [{ label: 'acme' }, { label: 'globex' }] }),
  );
  objects.set(
    `runs/${STAGE_RUN}/validation.json`,
    JSON.stringify({ images: keys.map((key) => ({ key, verdict: 'accepted', width: 800, height: 600 })) }),
  );
};

const fakeBucket = () => {
  s3.on(PutObjectCommand).callsFake(async (request: PutObjectCommandInput) => {
    const body = request.Body;
    objects.set(String(request.Key), body instanceof Readable ? await streamText(body) : String(body));
    return {};
  });
  s3.on(GetObjectCommand).callsFake((request: GetObjectCommandInput) => {
    const text = objects.get(String(request.Key));
    if (text === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    return { Body: Object.assign(Readable.from([Buffer.from(text)]), { transformToString: async () => text }) };
  });
  s3.on(DeleteObjectCommand).callsFake((request: DeleteObjectCommandInput) => {
    objects.delete(String(request.Key));
    return {};
  });
};

const streamText = async (stream: Readable): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
};

const overrides = {
  ...validationStates(),
  BuildManifest: async () => manifestOutput(IMAGES),
  PostProcess: async (state: unknown) => {
    postProcessInputs.push(state);
    return datasetOutput({ boxes: 4 });
  },
  CreateDataset: async () => datasetsOutput('CREATE_IN_PROGRESS', 0),
  CheckDatasets: async () => datasetsOutput('CREATE_COMPLETE', 1),
};

const settings = loadSettings(['EVENT_BUS_NAME']);
const requestFinalization = finalizationRequests(settings.EVENT_BUS_NAME);
const labeler = (sub: string): Caller => ({ sub, email: `${sub}@example.com`, groups: [], admin: false });
const box = { label: 'acme', left: 100, top: 100, width: 200, height: 150 };

/** Each labeler claims and answers until nothing is left for them. */
const labelEverything = async (subs: string[]) => {
  for (const sub of subs) {
    for (;;) {
      const job = await getJob(table, RUN_ID);
      if (!job) throw new Error('no job');
      const claimed = await claimTask(table, job, labeler(sub), new Date(), 300);
      if (!claimed.task) break;
      await answerTask(
        table,
        job,
        labeler(sub),
        claimed.task.taskId,
        { boxes: [box], nothingToLabel: false },
        new Date(),
        requestFinalization,
      );
    }
  }
};

/** What EventBridge would do with the ready events: invoke finalizeBuiltinJob. */
const deliverReadyEvents = async () => {
  for (const detail of readyEvents.splice(0)) {
    await finalize(
      { source: 'labeling-pipeline.builtin', 'detail-type': 'Built-in Labeling Job Ready', detail } as never,
      fakeContext as never,
    );
  }
};

let db: LocalDynamoDb;
beforeAll(async () => {
  db = await startTable();
});
afterAll(() => db.stop());

let runSeq = 0;
let testSeq = 0;

beforeEach(() => {
  testSeq += 1;
  RUN_ID = `logos-2026-builtin-${testSeq}`;
  s3.reset();
  sageMaker.reset();
  eventBridge.reset();
  objects.clear();
  readyEvents.length = 0;
  postProcessInputs.length = 0;
  fakeBucket();
  seedRunFiles();
  eventBridge.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => {
    for (const entry of input.Entries ?? []) {
      if (entry.Source === 'labeling-pipeline.builtin') readyEvents.push(JSON.parse(String(entry.Detail)));
    }
    return { FailedEntryCount: 0, Entries: [{ EventId: `e-${++runSeq}` }] };
  });
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
const input = { bucket: BUCKET, prefix: 'incoming/logos-2026/', workersPerObject: 2 };

describe('built-in labeling paths', () => {
  it('is the default backend: labelers answer, finalization resumes the run with the Ground Truth-format output', async () => {
    const result = await runStateMachine({
      input,
      executionName: RUN_ID,
      overrides,
      onLabelingJobStarted: async () => {
        await labelEverything(['ana', 'bo']);
        await deliverReadyEvents();
      },
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.path.slice(0, LABELING_PATH.length + 1)).toEqual([...LABELING_PATH, 'PostProcess']);
    expect(sageMaker).not.toHaveReceivedCommand(CreateLabelingJobCommand);
    expect(postProcessInputs[0]).toMatchObject({
      run: { labelingBackend: 'builtin' },
      labeling: {
        jobName: RUN_ID,
        status: 'Completed',
        outputManifestS3Uri: `s3://${BUCKET}/${outputKey()}`,
        labelCounters: { TotalLabeled: IMAGES, Unlabeled: 0 },
      },
    });
    const lines = (objects.get(outputKey()) ?? '')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(IMAGES);
    expect(lines[0]['bounding-box'].annotations).toEqual([
      { class_id: 0, left: 100, top: 100, width: 200, height: 150 },
    ]);
    expect(lines[0]['bounding-box-metadata'].objects).toEqual([{ confidence: 1 }]);
    expect(JSON.parse(objects.get(`runs/${RUN_ID}/labeling/job.json`) ?? '{}')).toMatchObject({
      backend: 'builtin',
      imageCount: IMAGES,
    });
    expect(objects.has(tokenKey())).toBe(false);
  });

  it('fails the run with NothingLabeled when an admin closes the job before anyone answered', async () => {
    const result = await runStateMachine({
      input,
      executionName: RUN_ID,
      overrides,
      onLabelingJobStarted: async () => {
        readyEvents.push({ jobId: RUN_ID, reason: 'closed' });
        await deliverReadyEvents();
      },
    });

    expect(result.status).toBe('FAILED');
    expect(result.path).toEqual([...LABELING_PATH, 'PublishFailure', 'Failed']);
    expect(result.error?.Error).toBe('NothingLabeled');
    expect(await getJob(table, RUN_ID)).toMatchObject({ status: 'completed', finalReason: 'closed' });
  });

  it('stops a job still open when the wait times out, and fails with LabelingJobTimedOut', async () => {
    const result = await runStateMachine({ input, executionName: RUN_ID, overrides, labelingWaitTimesOut: true });

    expect(result.status).toBe('FAILED');
    expect(result.path).toEqual([...LABELING_PATH, 'ReconcileLabelingJob', 'PublishFailure', 'Failed']);
    expect(result.error?.Error).toBe('LabelingJobTimedOut');
    expect(await getJob(table, RUN_ID)).toMatchObject({ status: 'stopped' });
    expect(objects.has(tokenKey())).toBe(false);
  });

  it('keeps the Ground Truth path when a batch asks for it', async () => {
    const result = await runStateMachine({
      input: { ...input, labelingBackend: 'ground-truth' },
      executionName: RUN_ID,
      overrides,
      labelingWaitTimesOut: true,
    });

    expect(sageMaker).toHaveReceivedCommandWith(CreateLabelingJobCommand, { LabelingJobName: RUN_ID });
    expect(result.path).toContain('ReconcileLabelingJob');
    expect(await getJob(table, RUN_ID)).toBeUndefined();
  });
});
