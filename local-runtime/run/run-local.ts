import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { LABELING_BACKENDS, type LabelingBackendName } from '../../functions/kernel/contracts/step-io';
import { RUN_FILES, runPrefixOf } from '../../functions/kernel/rules/run-files';
import { deriveRunId } from '../../functions/kernel/rules/run-id';
import { outputManifestKey } from '../../functions/labeling/contracts/labeling-output/layout';
import { LOCAL_ACCOUNT_ID } from '../stack/local-environment';
import {
  type LocalEnvironment,
  type LocalEnvironmentOptions,
  type RunReporter,
  silentReporter,
  startLocalEnvironment,
} from '../stack/local-stack';
import { invokeHandler } from '../stack/step-functions-runtime';
import { type DeliveredEvent, eventEnvelope } from '../stand-ins/eventbridge';
import type { ExecutionRecord, ExecutionStatus } from '../stand-ins/step-functions';
import { type BuiltinLabelingResult, type BuiltinRunOptions, builtinWorkers, startLabelingCrew } from './builtin-run';
import { type BatchOptions, prepareBatch, uploadBatch } from './local-batch';

export type { LocalEnvironment, LocalEnvironmentOptions, RunReporter } from '../stack/local-stack';
export { startLocalEnvironment } from '../stack/local-stack';

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

export interface LocalRunOptions extends BatchOptions, BuiltinRunOptions {
  /** Where the run's files are copied (default ./local-output/<runId>). */
  out?: string;
  /** Test hooks: how the labeling job ends, and the share of objects whose labeling fails. */
  labelingOutcome?: 'Completed' | 'Failed' | 'Stopped';
  failureReason?: string;
  failureRate?: number;
  /** Test hook: the labeling job's state-change event never arrives; with `callbackTimeoutSeconds` the run reconciles. */
  loseLabelingEvent?: boolean;
  /** Timeout of the task-token wait for this run (default: the environment's, 900 s). */
  callbackTimeoutSeconds?: number;
  /** Test hook: deliver the S3 event twice, as S3 may. */
  duplicateTrigger?: boolean;
  /** Reuse a running environment (tests); otherwise one is started and stopped. */
  environment?: LocalEnvironment;
  environmentOptions?: LocalEnvironmentOptions;
  reporter?: RunReporter;
  /** Aborting it aborts the execution (Ctrl-C). */
  signal?: AbortSignal;
  /** Abort the execution after this long (default 5 minutes plus 0.1 s per image and worker; none with `person`). */
  timeoutMs?: number;
}

export interface RunCounts {
  objects?: number;
  /** Child executions of the validation map that checked the objects. */
  validationBatches?: number;
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
  /** AWS service events delivered to the pipeline's handlers during the run (job and execution state changes). */
  awsEvents: DeliveredEvent[];
  /** The local copy of `runs/<runId>/`. */
  outDir: string;
  counts: RunCounts;
  /** Dataset figures and paths in `outDir` (present when the run got that far). */
  files: Partial<
    Record<
      'validation' | 'inputManifest' | 'labelingJob' | 'outputManifest' | 'train' | 'test' | 'report' | 'reportHtml',
      string
    >
  >;
  model?: { status: string; f1Score?: number; projectVersionArn: string };
  /** What the simulated labelers did through the API (built-in backend). */
  labeling?: BuiltinLabelingResult;
  elapsedMs: number;
}

/** Copies `runs/<runId>/` from the local bucket into `outDir`; returns the copied paths, relative, with `/`. */
const copyRunFolder = async (env: LocalEnvironment, runId: string, outDir: string): Promise<string[]> => {
  const prefix = runPrefixOf(runId);
  const copied: string[] = [];
  for await (const page of paginateListObjectsV2({ client: env.s3 }, { Bucket: env.bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      if (!object.Key || object.Key.endsWith('/')) continue;
      const relativePath = object.Key.slice(prefix.length);
      const target = join(outDir, ...relativePath.split('/'));
      const got = await env.s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: object.Key }));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, got.Body ? await got.Body.transformToByteArray() : new Uint8Array(0));
      copied.push(relativePath);
    }
  }
  return copied;
};

type StateData = {
  validation?: { total?: number; accepted?: number; rejected?: number; batches?: number };
  labeling?: { labelCounters?: { TotalLabeled?: number; HumanLabeled?: number; MachineLabeled?: number } };
  dataset?: { accepted?: number; boxes?: number; train?: number; test?: number };
  training?: { status: string; f1Score?: number; projectVersionArn: string };
};

const countsOf = (state: StateData): RunCounts => ({
  objects: state.validation?.total,
  validationBatches: state.validation?.batches,
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
  validation: RUN_FILES.validationReport,
  inputManifest: RUN_FILES.inputManifest,
  labelingJob: RUN_FILES.labelingJob,
  train: RUN_FILES.trainManifest,
  test: RUN_FILES.testManifest,
  report: RUN_FILES.datasetReport,
  reportHtml: RUN_FILES.datasetReportHtml,
} as const;

/** The well-known files among those copied, as paths in `outDir`. */
const copiedFiles = (outDir: string, runId: string, copied: string[]): LocalRunResult['files'] => {
  const found: LocalRunResult['files'] = {};
  const present = new Set(copied);
  for (const [name, path] of Object.entries(FILES)) {
    if (present.has(path)) found[name as keyof typeof FILES] = join(outDir, ...path.split('/'));
  }
  const output = copied.find((p) => p.endsWith(outputManifestKey(runId)));
  if (output) found.outputManifest = join(outDir, ...output.split('/'));
  return found;
};

type PreparedBatch = Awaited<ReturnType<typeof prepareBatch>>;

/** Tells the Ground Truth stand-in how this batch's simulated workers and job behave. */
const registerLabelingProfile = (env: LocalEnvironment, batch: PreparedBatch, options: LocalRunOptions): void => {
  env.sageMaker.registerProfile({
    sourcePrefix: `s3://${env.bucket}/incoming/${batch.name}/`,
    ...batch.profile,
    seed: options.seed ?? 1,
    ...(options.labelingOutcome === undefined ? {} : { outcome: options.labelingOutcome }),
    ...(options.failureReason === undefined ? {} : { failureReason: options.failureReason }),
    ...(options.failureRate === undefined ? {} : { failureRate: options.failureRate }),
    ...(options.loseLabelingEvent ? { loseEvent: true } : {}),
  });
};

/** Sets this run's task-token timeout; returns what puts the environment's back. */
const overrideCallbackTimeout = (env: LocalEnvironment, seconds: number | undefined): (() => void) => {
  const defaultCallbackTimeout = env.runtime.callbackTimeoutSeconds;
  if (seconds !== undefined) env.runtime.callbackTimeoutSeconds = seconds;
  return () => {
    env.runtime.callbackTimeoutSeconds = defaultCallbackTimeout;
  };
};

/** Delivers the upload's "Object Created" event to startPipeline (twice if asked); returns the executions started. */
const triggerRun = async (
  env: LocalEnvironment,
  trigger: Awaited<ReturnType<typeof uploadBatch>>,
  options: LocalRunOptions,
  reporter: RunReporter,
): Promise<Set<string>> => {
  const event = objectCreatedEvent(env.bucket, trigger.key, trigger.size, trigger.etag);
  // Routed by BatchUploadedRule's pattern; invoked here, not through the stand-in, to see the outcome.
  const [target] = env.eventBridge.targets(event);
  if (target === undefined) throw new Error(`no EventBridge rule matches the upload of ${trigger.key}`);
  const deliveries = options.duplicateTrigger ? 2 : 1;
  const arns = new Set<string>();
  for (let i = 0; i < deliveries; i += 1) {
    reporter.line(`S3 "Object Created" ${trigger.key} → ${target}`);
    env.deliveries.push(event);
    const outcome = (await invokeHandler(target, event)) as { started?: boolean; executionArn?: string };
    if (outcome?.started && outcome.executionArn) arns.add(outcome.executionArn);
    else reporter.line('  duplicate trigger: no second execution');
  }
  return arns;
};

const notStarted = (started: number): LocalRunResult => ({
  status: 'NOT_STARTED',
  runId: '',
  executionName: '',
  executionArn: '',
  executionsStarted: 0,
  error: { name: 'NotStarted', cause: 'startPipeline started no execution' },
  events: [],
  awsEvents: [],
  outDir: '',
  counts: {},
  files: {},
  elapsedMs: Date.now() - started,
});

/**
 * How long a run may take: a person labels at their own pace (no timeout unless asked); simulated
 * labelers answer some 20 tasks a second through the local API, so a large sample gets time for each.
 */
const runTimeoutMs = (options: LocalRunOptions, batch: PreparedBatch): number | undefined =>
  options.timeoutMs ?? (options.person ? undefined : 300_000 + batch.files.length * (options.workers ?? 3) * 100);

/**
 * Waits for the execution to end; the signal or the timeout aborts it. On the built-in backend the
 * simulated labelers work through the API meanwhile; they stop when the execution ends.
 */
const waitForExecution = async (
  env: LocalEnvironment,
  executionArn: string,
  options: LocalRunOptions,
  batch: PreparedBatch,
  reporter: RunReporter,
): Promise<{ record: ExecutionRecord; labeling?: BuiltinLabelingResult }> => {
  const abort = () => env.runtime.abort(executionArn);
  const executionName = env.runtime.find(executionArn)?.name ?? executionArn.split(':').pop() ?? '';
  const crew =
    (options.labelingBackend ?? 'builtin') === 'builtin'
      ? startLabelingCrew(env, options, batch, deriveRunId(executionName), abort, reporter)
      : undefined;
  options.signal?.addEventListener('abort', abort, { once: true });
  // A signal that came while the batch was uploading finds no listener: abort now.
  if (options.signal?.aborted) abort();
  const timeoutMs = runTimeoutMs(options, batch);
  const timer = timeoutMs === undefined ? undefined : setTimeout(abort, timeoutMs);
  try {
    const record = await env.runtime.waitFor(executionArn);
    const labeling = await crew?.finish();
    return labeling === undefined ? { record } : { record, labeling };
  } finally {
    clearTimeout(timer);
    crew?.stop();
    options.signal?.removeEventListener('abort', abort);
    // Let the last state events reach their listener.
    await new Promise((r) => setImmediate(r));
  }
};

/** Where the environment's event logs stood before the run, so the result shows only this run's. */
interface Marks {
  started: number;
  published: number;
  delivered: number;
}

/** Copies the run's folder and reads what the run did from its last state and its events. */
const collectResult = async (
  env: LocalEnvironment,
  executionArn: string,
  executionsStarted: number,
  { record, labeling }: { record: ExecutionRecord; labeling?: BuiltinLabelingResult },
  options: LocalRunOptions,
  marks: Marks,
): Promise<LocalRunResult> => {
  const executionName = env.runtime.find(executionArn)?.name ?? executionArn.split(':').pop() ?? '';
  const runId = deriveRunId(executionName);
  const outDir = resolve(options.out ?? join('local-output', runId));
  // Never clear the folder: --out may point at one that holds the user's own files.
  await mkdir(outDir, { recursive: true });
  const copied = await copyRunFolder(env, runId, outDir);
  const state = (record.output === undefined ? env.lastState.get(executionArn) : JSON.parse(record.output)) as
    | StateData
    | undefined;
  const events = env.eventBridge.published
    .slice(marks.published)
    .filter((e) => e.detail.runId === runId || e.detail.executionName === executionName || e.detail.jobId === runId);
  return {
    status: record.status,
    runId,
    executionName,
    executionArn,
    executionsStarted,
    ...(record.error === undefined ? {} : { error: { name: record.error, cause: record.cause ?? '' } }),
    events,
    awsEvents: env.deliveries.slice(marks.delivered),
    outDir,
    counts: countsOf(state ?? {}),
    files: copiedFiles(outDir, runId, copied),
    ...(state?.training === undefined ? {} : { model: state.training }),
    ...(labeling === undefined ? {} : { labeling }),
    elapsedMs: Date.now() - marks.started,
  };
};

/**
 * The `--images` folder's batch.json decides the backend and the workers per image, as it would
 * on AWS. With a person labeling, each image needs the simulated labelers' answers plus theirs.
 */
export const withOwnSettings = (options: LocalRunOptions, batch: PreparedBatch): LocalRunOptions => {
  if (batch.own === undefined) return options;
  const { path, settings } = batch.own;
  const backend = (LABELING_BACKENDS as readonly unknown[]).includes(settings.labelingBackend);
  const workers = typeof settings.workersPerObject === 'number' ? settings.workersPerObject : undefined;
  if (options.person && settings.labelingBackend === 'ground-truth') {
    throw new Error(`--label works on the built-in backend; ${path} sets "labelingBackend": "ground-truth"`);
  }
  if (options.person && workers !== undefined && workers !== options.workers) {
    throw new Error(
      `${path} sets "workersPerObject": ${workers}; with --label each image needs ${options.workers} (the simulated labelers plus you): pass --labelers ${workers - 1} or remove it`,
    );
  }
  return {
    ...options,
    ...(backend ? { labelingBackend: settings.labelingBackend as LabelingBackendName } : {}),
    ...(workers === undefined ? {} : { workers }),
  };
};

/** One run in a running environment: upload, trigger, wait, collect. */
const runInEnvironment = async (
  env: LocalEnvironment,
  requested: LocalRunOptions,
  reporter: RunReporter,
  started: number,
): Promise<LocalRunResult> => {
  const batch = await prepareBatch(requested);
  const options = withOwnSettings(requested, batch);
  if (batch.own)
    reporter.line(`using ${batch.own.path} as the batch's batch.json (its settings win; the file is left as it is)`);
  registerLabelingProfile(env, batch, options);
  reporter.line(
    `uploading ${batch.files.length} files to s3://${env.bucket}/incoming/${batch.name}/ (local S3 ${env.endpoints.s3})`,
  );
  // Named in batch.json, so the run does not depend on the environment's LABELING_BACKEND.
  const trigger = await uploadBatch(
    env,
    batch,
    { ...options, labelingBackend: options.labelingBackend ?? 'builtin' },
    reporter,
    options.signal,
  );
  const marks: Marks = { started, published: env.eventBridge.published.length, delivered: env.deliveries.length };
  const arns = await triggerRun(env, trigger, options, reporter);
  const executionArn = [...arns][0];
  if (executionArn === undefined) return notStarted(started);
  const outcome = await waitForExecution(env, executionArn, options, batch, reporter);
  return collectResult(env, executionArn, arns.size, outcome, options, marks);
};

/**
 * Runs the whole pipeline on this machine: uploads a batch to the local bucket, triggers it the
 * way S3 does (an "Object Created" event to the real startPipeline handler), lets the real state
 * machine and handlers run against the stand-ins, and copies the run's folder to `out`.
 */
export const runLocalPipeline = async (requested: LocalRunOptions = {}): Promise<LocalRunResult> => {
  const started = Date.now();
  // With a person labeling too, every image needs one answer more than the simulated labelers give.
  const options: LocalRunOptions = { ...requested, ...builtinWorkers(requested) };
  const reporter = options.reporter ?? silentReporter;
  const ownEnvironment = options.environment === undefined;
  const env = options.environment ?? (await startLocalEnvironment(options.environmentOptions));
  env.setReporter(reporter);
  const restoreCallbackTimeout = overrideCallbackTimeout(env, options.callbackTimeoutSeconds);
  // The caller's signal, or the environment stopping, aborts the run (upload or execution).
  const controller = new AbortController();
  const forward = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', forward, { once: true });
  if (options.signal?.aborted) forward();
  // Cut short by the abort, a run fails with its reason, not with whatever the abort interrupted.
  const done = runInEnvironment(env, { ...options, signal: controller.signal }, reporter, started).catch(
    (error: unknown) => {
      throw controller.signal.aborted ? controller.signal.reason : error;
    },
  );
  const untrack = env.trackRun({ abort: () => controller.abort(new Error('the local environment is stopping')), done });
  try {
    return await done;
  } finally {
    untrack();
    options.signal?.removeEventListener('abort', forward);
    restoreCallbackTimeout();
    env.setReporter(silentReporter);
    if (ownEnvironment) await env.stop();
  }
};
