import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { deriveRunId, slugify } from '../functions/shared/domain/run-id';
import { startAwsApiServer } from './aws-api-server';
import {
  configureLocalEnvironment,
  LOCAL_ACCOUNT_ID,
  LOCAL_BUCKET,
  LOCAL_REGION,
  LOCAL_STATE_MACHINE_ARN,
} from './local-environment';
import { LOCAL_S3_CREDENTIALS, startS3Server } from './s3-server';
import { generateSampleBatch, type SampleFile } from './sample-batch';
import { type DeliveredEvent, EventBridgeStandIn, eventEnvelope } from './stand-ins/eventbridge';
import { s3ObjectStore } from './stand-ins/object-store';
import { RekognitionStandIn } from './stand-ins/rekognition';
import { type LabelingProgress, SageMakerStandIn } from './stand-ins/sagemaker';
import { type ExecutionRecord, type ExecutionStatus, stepFunctionsService } from './stand-ins/step-functions';
import { invokeHandler, StepFunctionsRuntime } from './step-functions-runtime';

/** Where a run's progress goes (the CLI prints it; tests usually pass nothing). */
export interface RunReporter {
  line(message: string): void;
  progress(label: string, done: number, total: number): void;
}

const silent: RunReporter = { line: () => undefined, progress: () => undefined };

export interface LocalEnvironmentOptions {
  /** Powertools log level of the handlers (default WARN; tests keep their own). */
  logLevel?: string;
  /** Duration of the simulated labeling work (default 1,200 ms). */
  labelingMs?: number;
  /** Pause of every Wait state (default 200 ms). */
  waitMs?: number;
  /** Where the local S3 server keeps objects (default: a temporary directory, removed on stop). */
  s3Directory?: string;
}

/** The running stand-ins for AWS; one per process, shared by any number of runs. */
export interface LocalEnvironment {
  bucket: string;
  stateMachineArn: string;
  endpoints: { s3: string; api: string };
  s3: S3Client;
  runtime: StepFunctionsRuntime;
  sageMaker: SageMakerStandIn;
  rekognition: RekognitionStandIn;
  eventBridge: EventBridgeStandIn;
  /** AWS service events handed to the pipeline's event handlers (job state changes, execution status changes). */
  deliveries: DeliveredEvent[];
  /** The latest state data of each execution, by execution ARN. */
  lastState: Map<string, unknown>;
  setReporter(reporter: RunReporter): void;
  stop(): Promise<void>;
}

/** EventBridge retries a failed asynchronous Lambda invocation twice (aws-facts §4: duplicates are normal). */
const ASYNC_ATTEMPTS = 3;

const localS3Client = (endpoint: string): S3Client =>
  new S3Client({
    endpoint,
    region: LOCAL_REGION,
    forcePathStyle: true,
    credentials: LOCAL_S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

const describeStateExit = (state: string, output: unknown): string | undefined => {
  const data = (output ?? {}) as Record<string, Record<string, unknown> | undefined>;
  if (state === 'ValidateImages' && data.validation) {
    const v = data.validation;
    const reasons = Object.entries((v.byReason ?? {}) as Record<string, number>)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    return `validated ${v.total} objects: ${v.accepted} accepted, ${v.rejected} rejected${reasons ? ` (${reasons})` : ''}`;
  }
  if (state === 'BuildManifest' && data.manifest) return `input manifest: ${data.manifest.objects} images to label`;
  if (state === 'PostProcess' && data.dataset) {
    const d = data.dataset;
    return `dataset: ${d.accepted} images, ${d.boxes} boxes, ${d.labels} labels; train ${d.train}, test ${d.test}; ${d.rejected} lines dropped`;
  }
  if (state === 'CheckDatasets' && data.rekognition) {
    const r = data.rekognition as { status?: string; train?: { status?: string }; test?: { status?: string } };
    return `Rekognition datasets: ${r.status} (train ${r.train?.status ?? '?'}, test ${r.test?.status ?? '?'})`;
  }
  if (state === 'CheckTraining' && data.training) {
    const t = data.training as { status?: string; f1Score?: number };
    return `model training: ${t.status}${t.f1Score === undefined ? '' : `, F1 ${t.f1Score}`}`;
  }
  return undefined;
};

/**
 * Starts everything a local run needs on loopback ports the OS picks: the S3-protocol server,
 * the stand-in server for SageMaker, Rekognition, Step Functions and EventBridge, and the local
 * Step Functions runtime; then points the environment at them (before any handler is imported).
 */
export const startLocalEnvironment = async (options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> => {
  const bucket = process.env.DATA_BUCKET ?? LOCAL_BUCKET;
  const stateMachineArn = process.env.STATE_MACHINE_ARN ?? LOCAL_STATE_MACHINE_ARN;
  const s3Server = await startS3Server(options.s3Directory === undefined ? {} : { directory: options.s3Directory });
  const s3 = localS3Client(s3Server.endpoint);
  const store = s3ObjectStore(s3);
  let reporter = silent;
  const deliveries: DeliveredEvent[] = [];
  const lastState = new Map<string, unknown>();
  const shown = new Map<string, Set<string>>();
  /** True when this execution already showed `what`; remembers it otherwise. */
  const shownOnce = (executionArn: string, what: string): boolean => {
    const seen = shown.get(executionArn) ?? new Set<string>();
    shown.set(executionArn, seen);
    if (seen.has(what)) return true;
    seen.add(what);
    return false;
  };

  /** Delivers an AWS event to a handler as an EventBridge rule target, with Lambda's async retries. */
  const deliver = async (functionKey: string, event: DeliveredEvent): Promise<void> => {
    deliveries.push(event);
    for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt += 1) {
      try {
        await invokeHandler(functionKey, event);
        return;
      } catch (error) {
        if (attempt === ASYNC_ATTEMPTS) {
          reporter.line(`! ${functionKey} failed on ${event['detail-type']}: ${(error as Error).message}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  };

  const eventBridge = new EventBridgeStandIn();
  const sageMaker = new SageMakerStandIn({
    store,
    deliverEvent: (event) => deliver('labelingJobEvents', event),
    onProgress: (p: LabelingProgress) => {
      if (p.status === 'InProgress' || p.status === 'Completed') reporter.progress('labeling', p.labeled, p.total);
      if (p.status !== 'InProgress') reporter.line(`  Ground Truth job ${p.jobName}: ${p.status}`);
    },
    ...(options.labelingMs === undefined ? {} : { labelingMs: options.labelingMs }),
  });
  const rekognition = new RekognitionStandIn({ store });
  const runtime = new StepFunctionsRuntime({
    stateMachineArn,
    ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }),
    // Poll loops enter the same states again and again: each state and message is shown once.
    onStateEntered: (execution, state) => {
      if (state === 'PrepareRun') reporter.line(`execution ${execution.name} started`);
      if (!shownOnce(execution.executionArn, `state:${state}`)) reporter.line(`▸ ${state}`);
    },
    onStateExited: (execution, state, output) => {
      lastState.set(execution.executionArn, output);
      const message = describeStateExit(state, output);
      if (message && !shownOnce(execution.executionArn, message)) reporter.line(`  ${message}`);
    },
    // The deployed rule sends "Step Functions Execution Status Change" for these endings to
    // stopAbandonedLabelingJob (infra/event-rules.yml).
    onExecutionEnded: async (execution: ExecutionRecord) => {
      if (!['FAILED', 'ABORTED', 'TIMED_OUT'].includes(execution.status)) return;
      await deliver('stopAbandonedLabelingJob', executionStatusEvent(execution));
    },
  });
  const apiServer = await startAwsApiServer([
    sageMaker.service,
    rekognition.service,
    stepFunctionsService(runtime),
    eventBridge.service,
  ]).catch(async (error: unknown) => {
    await s3Server.stop();
    throw error;
  });
  configureLocalEnvironment({
    endpoints: { s3: s3Server.endpoint, api: apiServer.endpoint },
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
  });
  try {
    // config.ts parses the environment once; it must have seen the local one.
    const { config } = require('../functions/shared/config') as typeof import('../functions/shared/config');
    if (config.DATA_BUCKET !== bucket || config.S3_FORCE_PATH_STYLE !== 'true') {
      throw new Error(
        'functions/shared/config was imported before the local environment was set up; import handler modules lazily',
      );
    }
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes((error as Error).name)) {
      await Promise.allSettled([apiServer.stop(), s3Server.stop()]);
      throw error;
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    bucket,
    stateMachineArn,
    endpoints: { s3: s3Server.endpoint, api: apiServer.endpoint },
    s3,
    runtime,
    sageMaker,
    rekognition,
    eventBridge,
    deliveries,
    lastState,
    setReporter(next) {
      reporter = next;
    },
    stop() {
      stopped ??= (async () => {
        // Aborting reports the endings (stopAbandonedLabelingJob) while the servers still run.
        await runtime.stop();
        sageMaker.stop();
        rekognition.stop();
        await apiServer.stop();
        s3.destroy();
        await s3Server.stop();
      })();
      return stopped;
    },
  };
};

/** "Step Functions Execution Status Change", as EventBridge delivers it (events-ref-states). */
const executionStatusEvent = (e: ExecutionRecord): DeliveredEvent =>
  eventEnvelope('aws.states', 'Step Functions Execution Status Change', [e.executionArn], {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: e.startDate.getTime(),
    stopDate: e.stopDate?.getTime() ?? null,
    input: e.input,
    output: e.output ?? null,
    inputDetails: { included: true },
    outputDetails: e.output === undefined ? null : { included: true },
    error: e.error ?? null,
    cause: e.cause ?? null,
  });

/** "Object Created" as S3 sends it to EventBridge (fixtures/aws-docs/s3-object-created.json). */
const objectCreatedEvent = (bucket: string, key: string, size: number, etag: string): DeliveredEvent => {
  const sequencer = BigInt(Date.now() * 1000 + Math.floor(Math.random() * 1000))
    .toString(16)
    .toUpperCase()
    .padStart(18, '0');
  return eventEnvelope('aws.s3', 'Object Created', [`arn:aws:s3:::${bucket}`], {
    version: '0',
    bucket: { name: bucket },
    object: { key, size, etag, sequencer },
    'request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
    requester: LOCAL_ACCOUNT_ID,
    'source-ip-address': '127.0.0.1',
    reason: 'PutObject',
  });
};

export interface LocalRunOptions {
  /** Seed of the generated sample batch and of the simulated workforce (default 1). */
  seed?: number;
  /** Workers per image (NumberOfHumanWorkersPerDataObject). */
  workers?: number;
  autoLabeling?: boolean;
  /** Also train a (simulated) model version. */
  train?: boolean;
  /** A folder of the user's own images, instead of the sample batch; needs `annotations`. */
  images?: string;
  /** A Ground Truth output manifest with the answers for `images`. */
  annotations?: string;
  labels?: string[];
  /** Where the run's files are copied (default ./local-output/<runId>). */
  out?: string;
  /** The batch folder name under incoming/ (default sample-<seed>, or the images folder's name). */
  batchName?: string;
  /** Test hooks: how the labeling job ends, and the share of objects whose labeling fails. */
  labelingOutcome?: 'Completed' | 'Failed' | 'Stopped';
  failureReason?: string;
  failureRate?: number;
  /** Test hook: the labeling job's state-change event never arrives; with `callbackTimeoutSeconds` the run reconciles. */
  loseLabelingEvent?: boolean;
  /** Timeout of the task-token wait for this run (default: the environment's, 900 s). */
  callbackTimeoutSeconds?: number;
  /** Test hook: upload only the sample's files that are invalid by themselves (a batch with no valid image). */
  invalidImagesOnly?: boolean;
  /** Test hook: deliver the S3 event twice, as S3 may. */
  duplicateTrigger?: boolean;
  /** Reuse a running environment (tests); otherwise one is started and stopped. */
  environment?: LocalEnvironment;
  environmentOptions?: LocalEnvironmentOptions;
  reporter?: RunReporter;
  /** Aborting it aborts the execution (Ctrl-C). */
  signal?: AbortSignal;
  /** Abort the execution after this long (default 5 minutes). */
  timeoutMs?: number;
}

export interface RunCounts {
  objects?: number;
  accepted?: number;
  rejected?: number;
  labeled?: number;
  humanLabeled?: number;
  machineLabeled?: number;
  datasetImages?: number;
  boxes?: number;
  train?: number;
  test?: number;
}

export interface LocalRunResult {
  status: ExecutionStatus | 'NOT_STARTED';
  runId: string;
  executionName: string;
  executionArn: string;
  /** Executions the trigger(s) started (1 even when the S3 event came twice). */
  executionsStarted: number;
  error?: { name: string; cause: string };
  /** Events the pipeline published on EventBridge during the run. */
  events: DeliveredEvent[];
  /** The local copy of `runs/<runId>/`. */
  outDir: string;
  counts: RunCounts;
  /** Dataset figures and paths in `outDir` (present when the run got that far). */
  files: Partial<
    Record<'validation' | 'inputManifest' | 'outputManifest' | 'train' | 'test' | 'report' | 'reportHtml', string>
  >;
  model?: { status: string; f1Score?: number; projectVersionArn: string };
  elapsedMs: number;
}

interface BatchToUpload {
  name: string;
  files: SampleFile[];
  labels: string[];
  profile: { truth?: Record<string, import('./sample-batch').TruthImage>; annotationLines?: string[] };
}

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
};

const listFilesRecursively = async (folder: string): Promise<string[]> => {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
};

/** Labels named in a Ground Truth output manifest's class maps, in class-id order. */
const labelsFromAnnotations = (lines: string[]): string[] => {
  const byId = new Map<number, string>();
  for (const line of lines) {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const [key, value] of Object.entries(record)) {
      if (!key.endsWith('-metadata') || typeof value !== 'object' || value === null) continue;
      const classMap = (value as { 'class-map'?: Record<string, unknown> })['class-map'] ?? {};
      for (const [id, name] of Object.entries(classMap)) if (typeof name === 'string') byId.set(Number(id), name);
    }
  }
  return [...byId.entries()].sort(([a], [b]) => a - b).map(([, name]) => name);
};

const prepareBatch = async (options: LocalRunOptions): Promise<BatchToUpload> => {
  const seed = options.seed ?? 1;
  if (options.images !== undefined) {
    if (options.annotations === undefined) {
      throw new Error('--images needs --annotations <output.manifest>: the local workforce replays those answers');
    }
    const folder = resolve(options.images);
    const paths = await listFilesRecursively(folder);
    if (paths.length === 0) throw new Error(`${folder} holds no files`);
    const files = await Promise.all(
      paths.map(async (path) => ({
        name: relative(folder, path).split(sep).join('/'),
        body: new Uint8Array(await readFile(path)),
        contentType: CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      })),
    );
    const annotationLines = (await readFile(resolve(options.annotations), 'utf8'))
      .split('\n')
      .filter((l) => l.trim() !== '');
    const labels = options.labels ?? labelsFromAnnotations(annotationLines);
    if (labels.length === 0) throw new Error(`${options.annotations} names no labels in its class maps; pass --labels`);
    return {
      name: options.batchName ?? (slugify(basename(folder)) || 'my-images'),
      files,
      labels,
      profile: { annotationLines },
    };
  }
  const sample = generateSampleBatch({ seed });
  // A duplicate is valid on its own once the original is left out: keep only files invalid by themselves.
  const rejectedNames = new Set(sample.expectedRejections.filter((r) => r.code !== 'DUPLICATE').map((r) => r.name));
  const files = options.invalidImagesOnly ? sample.files.filter((f) => rejectedNames.has(f.name)) : sample.files;
  return {
    name: options.batchName ?? `sample-${seed}`,
    files,
    labels: options.labels ?? sample.labels,
    profile: { truth: sample.truth },
  };
};

const uploadBatch = async (
  env: LocalEnvironment,
  batch: BatchToUpload,
  options: LocalRunOptions,
  reporter: RunReporter,
): Promise<{ key: string; size: number; etag: string }> => {
  const prefix = `incoming/${batch.name}/`;
  let done = 0;
  const queue = [...batch.files];
  // A few uploads in flight, as a user's sync tool would.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        await env.s3.send(
          new PutObjectCommand({
            Bucket: env.bucket,
            Key: `${prefix}${file.name}`,
            Body: file.body,
            ContentType: file.contentType,
          }),
        );
        done += 1;
        reporter.progress('uploading', done, batch.files.length);
      }
    }),
  );
  // batch.json last: it is the trigger, and holds only run options (execution-input.ts BatchFile).
  const batchFile = JSON.stringify(
    {
      labels: batch.labels,
      ...(options.workers === undefined ? {} : { workersPerObject: options.workers }),
      ...(options.autoLabeling === undefined ? {} : { autoLabeling: options.autoLabeling }),
      ...(options.train === undefined ? {} : { train: options.train }),
    },
    null,
    2,
  );
  const key = `${prefix}batch.json`;
  const out = await env.s3.send(
    new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: batchFile, ContentType: 'application/json' }),
  );
  const etag = (out.ETag ?? createHash('md5').update(batchFile).digest('hex')).replace(/"/g, '');
  return { key, size: Buffer.byteLength(batchFile), etag };
};

/** Copies `runs/<runId>/` from the local bucket into `outDir`. */
const copyRunFolder = async (env: LocalEnvironment, runId: string, outDir: string): Promise<number> => {
  const prefix = `runs/${runId}/`;
  let copied = 0;
  let token: string | undefined;
  do {
    const page = await env.s3.send(
      new ListObjectsV2Command({ Bucket: env.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key || object.Key.endsWith('/')) continue;
      const target = join(outDir, ...object.Key.slice(prefix.length).split('/'));
      const got = await env.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: object.Key }));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, got.Body ? await got.Body.transformToByteArray() : new Uint8Array(0));
      copied += 1;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return copied;
};

type StateData = {
  validation?: { total?: number; accepted?: number; rejected?: number };
  labeling?: { labelCounters?: { TotalLabeled?: number; HumanLabeled?: number; MachineLabeled?: number } };
  dataset?: { accepted?: number; boxes?: number; train?: number; test?: number };
  training?: { status: string; f1Score?: number; projectVersionArn: string };
};

const countsOf = (state: StateData): RunCounts => ({
  objects: state.validation?.total,
  accepted: state.validation?.accepted,
  rejected: state.validation?.rejected,
  labeled: state.labeling?.labelCounters?.TotalLabeled,
  humanLabeled: state.labeling?.labelCounters?.HumanLabeled,
  machineLabeled: state.labeling?.labelCounters?.MachineLabeled,
  datasetImages: state.dataset?.accepted,
  boxes: state.dataset?.boxes,
  train: state.dataset?.train,
  test: state.dataset?.test,
});

const FILES = {
  validation: 'validation.json',
  inputManifest: 'labeling/input.manifest',
  train: 'dataset/train.manifest',
  test: 'dataset/test.manifest',
  report: 'dataset/report.json',
  reportHtml: 'dataset/report.html',
} as const;

const existingFiles = async (outDir: string, runId: string): Promise<LocalRunResult['files']> => {
  const found: LocalRunResult['files'] = {};
  const all = await readdir(outDir, { recursive: true }).catch(() => [] as string[]);
  const present = new Set(all.map((p) => p.split(sep).join('/')));
  for (const [name, path] of Object.entries(FILES)) {
    if (present.has(path)) found[name as keyof typeof FILES] = join(outDir, ...path.split('/'));
  }
  const output = [...present].find((p) => p.endsWith(`${runId}/manifests/output/output.manifest`));
  if (output) found.outputManifest = join(outDir, ...output.split('/'));
  return found;
};

/**
 * Runs the whole pipeline on this machine: uploads a batch to the local bucket, triggers it the
 * way S3 does (an "Object Created" event to the real startPipeline handler), lets the real state
 * machine and handlers run against the stand-ins, and copies the run's folder to `out`.
 */
export const runLocalPipeline = async (options: LocalRunOptions = {}): Promise<LocalRunResult> => {
  const started = Date.now();
  const reporter = options.reporter ?? silent;
  const ownEnvironment = options.environment === undefined;
  const env = options.environment ?? (await startLocalEnvironment(options.environmentOptions));
  env.setReporter(reporter);
  let restoreCallbackTimeout: () => void = () => undefined;
  try {
    const batch = await prepareBatch(options);
    const seed = options.seed ?? 1;
    env.sageMaker.registerProfile({
      sourcePrefix: `s3://${env.bucket}/incoming/${batch.name}/`,
      ...batch.profile,
      seed,
      ...(options.labelingOutcome === undefined ? {} : { outcome: options.labelingOutcome }),
      ...(options.failureReason === undefined ? {} : { failureReason: options.failureReason }),
      ...(options.failureRate === undefined ? {} : { failureRate: options.failureRate }),
      ...(options.loseLabelingEvent ? { loseEvent: true } : {}),
    });
    const defaultCallbackTimeout = env.runtime.callbackTimeoutSeconds;
    if (options.callbackTimeoutSeconds !== undefined)
      env.runtime.callbackTimeoutSeconds = options.callbackTimeoutSeconds;
    restoreCallbackTimeout = () => {
      env.runtime.callbackTimeoutSeconds = defaultCallbackTimeout;
    };
    reporter.line(
      `uploading ${batch.files.length} files to s3://${env.bucket}/incoming/${batch.name}/ (local S3 ${env.endpoints.s3})`,
    );
    const trigger = await uploadBatch(env, batch, options, reporter);
    const publishedBefore = env.eventBridge.published.length;
    const event = objectCreatedEvent(env.bucket, trigger.key, trigger.size, trigger.etag);
    const deliveries = options.duplicateTrigger ? 2 : 1;
    const arns = new Set<string>();
    for (let i = 0; i < deliveries; i += 1) {
      reporter.line(`S3 "Object Created" ${trigger.key} → startPipeline`);
      const outcome = (await invokeHandler('startPipeline', event)) as { started?: boolean; executionArn?: string };
      if (outcome?.started && outcome.executionArn) arns.add(outcome.executionArn);
      else reporter.line('  duplicate trigger: no second execution');
    }
    const executionArn = [...arns][0];
    if (executionArn === undefined) {
      return {
        status: 'NOT_STARTED',
        runId: '',
        executionName: '',
        executionArn: '',
        executionsStarted: 0,
        error: { name: 'NotStarted', cause: 'startPipeline started no execution' },
        events: [],
        outDir: '',
        counts: {},
        files: {},
        elapsedMs: Date.now() - started,
      };
    }
    const execution = env.runtime.find(executionArn);
    const executionName = execution?.name ?? executionArn.split(':').pop() ?? '';
    const runId = deriveRunId(executionName);

    const abort = () => env.runtime.abort(executionArn);
    options.signal?.addEventListener('abort', abort, { once: true });
    const timer = setTimeout(abort, options.timeoutMs ?? 300_000);
    let record: ExecutionRecord;
    try {
      record = await env.runtime.waitFor(executionArn);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
    }
    // Let the last state events reach their listener.
    await new Promise((r) => setImmediate(r));

    const outDir = resolve(options.out ?? join('local-output', runId));
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    await copyRunFolder(env, runId, outDir);
    const state = (record.output === undefined ? env.lastState.get(executionArn) : JSON.parse(record.output)) as
      | StateData
      | undefined;
    const events = env.eventBridge.published
      .slice(publishedBefore)
      .filter((e) => e.detail.runId === runId || e.detail.executionName === executionName);
    return {
      status: record.status,
      runId,
      executionName,
      executionArn,
      executionsStarted: arns.size,
      ...(record.error === undefined ? {} : { error: { name: record.error, cause: record.cause ?? '' } }),
      events,
      outDir,
      counts: countsOf(state ?? {}),
      files: await existingFiles(outDir, runId),
      ...(state?.training === undefined ? {} : { model: state.training }),
      elapsedMs: Date.now() - started,
    };
  } finally {
    restoreCallbackTimeout();
    env.setReporter(silent);
    if (ownEnvironment) await env.stop();
  }
};

const firstLine = async (path: string | undefined): Promise<string> => {
  if (path === undefined) return '';
  const text = await readFile(path, 'utf8').catch(() => '');
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
};

const shown = (value: number | undefined): string => (value === undefined ? '-' : String(value));

/** The end-of-run text the CLI prints: where the dataset is, what the report says, counts, events, time. */
export const formatRunSummary = async (result: LocalRunResult): Promise<string[]> => {
  const lines: string[] = [];
  const ok = result.status === 'SUCCEEDED';
  lines.push('');
  lines.push(
    ok
      ? `✔ run ${result.runId} succeeded in ${(result.elapsedMs / 1000).toFixed(1)} s`
      : `✘ run ${result.runId || '(none)'} ${result.status} after ${(result.elapsedMs / 1000).toFixed(1)} s${
          result.error ? `: ${result.error.name}: ${result.error.cause}` : ''
        }`,
  );
  const c = result.counts;
  lines.push(
    `  images ${shown(c.objects)} (accepted ${shown(c.accepted)}, rejected ${shown(c.rejected)}) · labeled ${shown(c.labeled)} (human ${shown(c.humanLabeled)}, machine ${shown(c.machineLabeled)}) · dataset ${shown(c.datasetImages)} images, ${shown(c.boxes)} boxes · train ${shown(c.train)} / test ${shown(c.test)}`,
  );
  if (result.model) {
    lines.push(`  model version: ${result.model.status}, F1 ${shown(result.model.f1Score)} (simulated training)`);
  }
  if (result.files.train || result.files.test) {
    lines.push('', 'Dataset manifests (Rekognition Custom Labels format):');
    for (const key of ['train', 'test'] as const) {
      const path = result.files[key];
      if (!path) continue;
      lines.push(`  ${path}`, `    ${await firstLine(path)}`);
    }
  }
  if (result.files.report) {
    const report = JSON.parse(await readFile(result.files.report, 'utf8').catch(() => '{}')) as {
      lines?: number;
      accepted?: number;
      rejectedLines?: number;
      boxes?: number;
      droppedBoxes?: number;
      labels?: Record<string, number>;
      rejectedByReason?: Record<string, number>;
      warnings?: string[];
    };
    const labels = Object.entries(report.labels ?? {})
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    const reasons = Object.entries(report.rejectedByReason ?? {})
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    lines.push('', `Report: ${result.files.report}`);
    lines.push(
      `  ${shown(report.lines)} lines read, ${shown(report.accepted)} kept, ${shown(report.rejectedLines)} dropped; ${shown(report.boxes)} boxes (${labels}), ${shown(report.droppedBoxes)} boxes dropped`,
    );
    if (reasons) lines.push(`  dropped by reason: ${reasons}`);
    for (const warning of report.warnings ?? []) lines.push(`  warning: ${warning}`);
  }
  if (result.files.reportHtml) lines.push(`  open in a browser: file://${result.files.reportHtml}`);
  if (result.files.validation) lines.push(`Validation report: ${result.files.validation}`);
  if (result.outDir) lines.push(`All files of the run: ${result.outDir}`);
  lines.push('', `Events published on EventBridge (${result.events.length}):`);
  for (const e of result.events) {
    const detail = e.detail as { error?: { name?: string }; counts?: Record<string, unknown> };
    const what = detail.error?.name ? ` error=${detail.error.name}` : '';
    lines.push(`  ${e.time} ${e.source} "${e['detail-type']}"${what}`);
  }
  lines.push('', `Elapsed: ${(result.elapsedMs / 1000).toFixed(1)} s`);
  return lines;
};
