import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { hasErrorName } from '../../functions/kernel/aws/sdk-errors';
import { plural } from '../../functions/kernel/rules/plural';
import { inBatches } from '../run/map-summary';
import { type RunningApiServer as AwsApiServer, startAwsApiServer } from '../stand-ins/aws-api-server';
import type { CognitoStandIn } from '../stand-ins/cognito';
import { type DeliveredEvent, EventBridgeStandIn, eventEnvelope } from '../stand-ins/eventbridge';
import type { StandInService } from '../stand-ins/json-protocol';
import { s3ObjectStore } from '../stand-ins/object-store';
import { RekognitionStandIn } from '../stand-ins/rekognition';
import { LOCAL_S3_CREDENTIALS, type RunningS3Server as S3Server, startS3Server } from '../stand-ins/s3-server';
import { type LabelingProgress, SageMakerStandIn } from '../stand-ins/sagemaker';
import { type ExecutionRecord, stepFunctionsService } from '../stand-ins/step-functions';
import { type BuiltinServices, builtinEnvironment, startBuiltinServices } from './builtin-services';
import { pipelineEventRules } from './event-rules';
import { configureLocalEnvironment, LOCAL_BUCKET, LOCAL_REGION, LOCAL_STATE_MACHINE_ARN } from './local-environment';
import { invokeHandler, StepFunctionsRuntime } from './step-functions-runtime';
import { type TaskTokenSweep, taskTokenSweep } from './task-token-sweep';

/** Where a run's progress goes (the CLI prints it; tests usually pass nothing). */
export interface RunReporter {
  line(message: string): void;
  progress(label: string, done: number, total: number): void;
}

export const silentReporter: RunReporter = { line: () => undefined, progress: () => undefined };

export interface LocalEnvironmentOptions {
  /** Powertools log level of the handlers (default: POWERTOOLS_LOG_LEVEL if set, else WARN). */
  logLevel?: string;
  /** Duration of the simulated labeling work (default 1,200 ms). */
  labelingMs?: number;
  /** Pause of every Wait state (default 200 ms). */
  waitMs?: number;
  /** Where the local S3 server keeps objects (default: a temporary directory, removed on stop). */
  s3Directory?: string;
  /** Runs the scheduled task-token sweep this often (default: only when `sweepTaskTokens()` is called). */
  sweepEveryMs?: number;
}

/** The running stand-ins for AWS; one per process, shared by any number of runs. */
export interface LocalEnvironment {
  bucket: string;
  stateMachineArn: string;
  endpoints: { s3: string; api: string; portal: string; cognito: string; dynamodb: string };
  s3: S3Client;
  /** The built-in backend's local services: dynalite, the Cognito stand-in, the portal server. */
  builtin: BuiltinServices;
  /** The labelers' user pool; `createUser` returns a permanent-password sign-in (tests, simulated labelers). */
  cognito: Pick<CognitoStandIn, 'createUser' | 'invitations' | 'userPoolId' | 'clientId'>;
  runtime: StepFunctionsRuntime;
  sageMaker: SageMakerStandIn;
  rekognition: RekognitionStandIn;
  eventBridge: EventBridgeStandIn;
  /** AWS service events handed to the pipeline's event handlers (job state changes, execution status changes). */
  deliveries: DeliveredEvent[];
  /** The latest state data of each execution, by execution ARN. */
  lastState: Map<string, unknown>;
  /** One tick of the scheduled task-token sweep (TaskTokenSweepRule), on the local clock. */
  sweepTaskTokens: TaskTokenSweep['tick'];
  setReporter(reporter: RunReporter): void;
  /** Registers a run in flight; returns what unregisters it. */
  trackRun(run: TrackedRun): () => void;
  /** Aborts the runs in flight and waits for them, then stops every server. */
  stop(): Promise<void>;
}

/** A run that uses the environment: stop() aborts it and waits for it to end. */
export interface TrackedRun {
  abort(): void;
  done: Promise<unknown>;
}

/** Runs in flight: a run still uploading when the servers close would fail later, in someone else's code. */
const runsInFlight = () => {
  const runs = new Set<TrackedRun>();
  return {
    track(run: TrackedRun): () => void {
      runs.add(run);
      return () => runs.delete(run);
    },
    async settle(): Promise<void> {
      for (const run of runs) run.abort();
      await Promise.allSettled([...runs].map((run) => run.done));
    },
  };
};

/** Lambda retries a failed asynchronous invocation (an EventBridge target) twice by default. */
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

type StateOutput = Record<string, Record<string, unknown> | undefined>;

/** The line each state's result gets, from the part of the state data it wrote. */
const STATE_EXIT_LINES: Record<string, (data: StateOutput) => string | undefined> = {
  SummarizeValidation: ({ validation: v }) => {
    if (!v) return undefined;
    const reasons = Object.entries((v.byReason ?? {}) as Record<string, number>)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    const skipped = v.skipped ? `, ${v.skipped} examples skipped` : '';
    return `validated ${v.total} objects${inBatches(v.batches)}: ${v.accepted} accepted, ${v.rejected} rejected${skipped}${reasons ? ` (${reasons})` : ''}`;
  },
  BuildManifest: ({ manifest }) =>
    manifest ? `input manifest: ${plural(manifest.objects as number, 'image')} to label` : undefined,
  PostProcess: ({ dataset: d }) => {
    if (!d) return undefined;
    const n = (key: string) => d[key] as number;
    return `dataset: ${plural(n('accepted'), 'image')}, ${plural(n('boxes'), 'box', 'boxes')}, ${plural(n('labels'), 'label')}; train ${d.train}, test ${d.test}; ${plural(n('rejected'), 'line')} dropped`;
  },
  CheckDatasets: ({ rekognition }) => {
    if (!rekognition) return undefined;
    const r = rekognition as { status?: string; train?: { status?: string }; test?: { status?: string } };
    return `Rekognition datasets: ${r.status} (train ${r.train?.status ?? '?'}, test ${r.test?.status ?? '?'})`;
  },
  CheckTraining: ({ training }) => {
    if (!training) return undefined;
    const t = training as { status?: string; f1Score?: number };
    return `model training: ${t.status}${t.f1Score === undefined ? '' : `, F1 ${t.f1Score}`}`;
  },
};

/** The line a finished state prints in the run's progress, if it has one. */
export const describeStateExit = (state: string, output: unknown): string | undefined =>
  STATE_EXIT_LINES[state]?.((output ?? {}) as StateOutput);

/** What a run shows: its reporter (swapped per run) and each message once per execution. */
class RunDisplay {
  reporter: RunReporter = silentReporter;
  private readonly shown = new Map<string, Set<string>>();

  /** True when this execution already showed `what`; remembers it otherwise. */
  shownOnce(executionArn: string, what: string): boolean {
    const seen = this.shown.get(executionArn) ?? new Set<string>();
    this.shown.set(executionArn, seen);
    if (seen.has(what)) return true;
    seen.add(what);
    return false;
  }
}

/** Delivers an AWS event to a handler as an EventBridge rule target, with Lambda's async retries. */
const eventDeliverer =
  (display: RunDisplay) =>
  async (functionKey: string, event: DeliveredEvent): Promise<void> => {
    for (let attempt = 1; attempt <= ASYNC_ATTEMPTS; attempt += 1) {
      try {
        await invokeHandler(functionKey, event);
        return;
      } catch (error) {
        if (attempt === ASYNC_ATTEMPTS) {
          display.reporter.line(`! ${functionKey} failed on ${event['detail-type']}: ${(error as Error).message}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  };

/** Sends AWS service events through the EventBridge stand-in's rules, remembering those a rule took. */
const serviceEvents =
  (eventBridge: EventBridgeStandIn, deliveries: DeliveredEvent[]) =>
  async (event: DeliveredEvent): Promise<void> => {
    const targets = eventBridge.targets(event);
    if (targets.length > 0) deliveries.push(event);
    await eventBridge.dispatch(event);
  };

type Deliver = ReturnType<typeof serviceEvents>;

const sageMakerStandIn = (
  store: ReturnType<typeof s3ObjectStore>,
  display: RunDisplay,
  deliver: Deliver,
  options: LocalEnvironmentOptions,
): SageMakerStandIn =>
  new SageMakerStandIn({
    store,
    deliverEvent: deliver,
    onProgress: (p: LabelingProgress) => {
      if (p.status === 'InProgress' || p.status === 'Completed')
        display.reporter.progress('labeling', p.labeled, p.total);
      if (p.status !== 'InProgress') display.reporter.line(`  Ground Truth job ${p.jobName}: ${p.status}`);
    },
    ...(options.labelingMs === undefined ? {} : { labelingMs: options.labelingMs }),
  });

const stepFunctionsRuntime = (
  stateMachineArn: string,
  display: RunDisplay,
  deliver: Deliver,
  lastState: Map<string, unknown>,
  options: LocalEnvironmentOptions,
): StepFunctionsRuntime =>
  new StepFunctionsRuntime({
    stateMachineArn,
    ...(options.waitMs === undefined ? {} : { waitMs: options.waitMs }),
    // Poll loops enter the same states again and again: each state and message is shown once.
    onStateEntered: (execution, state) => {
      if (state === 'PrepareRun') display.reporter.line(`execution ${execution.name} started`);
      if (!display.shownOnce(execution.executionArn, `state:${state}`)) display.reporter.line(`▸ ${state}`);
    },
    onStateExited: (execution, state, output) => {
      lastState.set(execution.executionArn, output);
      const message = describeStateExit(state, output);
      if (message && !display.shownOnce(execution.executionArn, message)) display.reporter.line(`  ${message}`);
    },
    // "Step Functions Execution Status Change": ExecutionEndedRule takes the endings that may
    // leave a labeling job behind to stopAbandonedLabelingJob.
    onExecutionEnded: (execution: ExecutionRecord) => deliver(executionStatusEvent(execution)),
  });

/** config.ts parses the environment once; it must have seen the local one. Then the bucket is created. */
const prepareBucket = async (s3: S3Client, bucket: string): Promise<void> => {
  const { config } = require('../../functions/kernel/config') as typeof import('../../functions/kernel/config');
  if (config.DATA_BUCKET !== bucket || config.S3_FORCE_PATH_STYLE !== 'true') {
    throw new Error(
      'functions/kernel/config was imported before the local environment was set up; import handler modules lazily',
    );
  }
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!hasErrorName(error, 'BucketAlreadyOwnedByYou', 'BucketAlreadyExists')) throw error;
  }
};

interface Servers {
  s3: S3Server;
  api: AwsApiServer;
  builtin: BuiltinServices;
  sweep: TaskTokenSweep;
}

/** Starts the built-in backend's services and the API stand-in server after the S3 server; stops what started if one fails. */
const startServers = async (s3: S3Server, services: StandInService[]): Promise<Omit<Servers, 'sweep'>> => {
  const builtin = await startBuiltinServices().catch(async (error: unknown) => {
    await s3.stop();
    throw error;
  });
  const api = await startAwsApiServer(services).catch(async (error: unknown) => {
    await Promise.allSettled([builtin.stop(), s3.stop()]);
    throw error;
  });
  return { s3, api, builtin };
};

/** Stops in order: aborting reports the endings (stopAbandonedLabelingJob) while the servers still run. */
const stopper = (
  parts: LocalEnvironment,
  servers: Servers,
  runs: ReturnType<typeof runsInFlight>,
): (() => Promise<void>) => {
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= (async () => {
      await runs.settle();
      await servers.sweep.stop();
      await parts.runtime.stop();
      parts.sageMaker.stop();
      parts.rekognition.stop();
      await servers.builtin.stop();
      await servers.api.stop();
      parts.s3.destroy();
      await servers.s3.stop();
    })();
    return stopped;
  };
};

/**
 * Points the environment at the servers (before any handler is imported), starts the portal and
 * creates the bucket; stops the servers if one of these fails.
 */
const configureAndStartPortal = async (
  s3: S3Client,
  bucket: string,
  servers: Omit<Servers, 'sweep'>,
  display: RunDisplay,
  options: LocalEnvironmentOptions,
) => {
  configureLocalEnvironment({
    endpoints: { s3: servers.s3.endpoint, api: servers.api.endpoint },
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
  });
  builtinEnvironment(servers.builtin);
  // The portal first: its URL is a setting (PORTAL_URL, the report's review link) config.ts must see.
  return servers.builtin
    .startPortal(invokeHandler, (route, error) =>
      display.reporter.line(`! ${route} failed: ${(error as Error).stack ?? String(error)}`),
    )
    .then(async (started) => {
      process.env.PORTAL_URL = started.endpoint;
      await prepareBucket(s3, bucket);
      return started;
    })
    .catch(async (error: unknown) => {
      await Promise.allSettled([servers.api.stop(), servers.builtin.stop(), servers.s3.stop()]);
      throw error;
    });
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
  const display = new RunDisplay();
  const deliveries: DeliveredEvent[] = [];
  const lastState = new Map<string, unknown>();
  const rules = pipelineEventRules(bucket, stateMachineArn);
  const eventBridge = new EventBridgeStandIn({ rules, deliver: eventDeliverer(display) });
  const deliver = serviceEvents(eventBridge, deliveries);
  const sageMaker = sageMakerStandIn(store, display, deliver, options);
  const rekognition = new RekognitionStandIn({ store });
  const runtime = stepFunctionsRuntime(stateMachineArn, display, deliver, lastState, options);
  const services = [sageMaker.service, rekognition.service, stepFunctionsService(runtime), eventBridge.service];
  const servers = await startServers(s3Server, services);
  const { api: apiServer, builtin } = servers;
  const portal = await configureAndStartPortal(s3, bucket, servers, display, options);
  const endpoints = {
    s3: s3Server.endpoint,
    api: apiServer.endpoint,
    portal: portal.endpoint,
    cognito: builtin.cognito.endpoint,
    dynamodb: builtin.dynamodb.endpoint,
  };
  const sweep = taskTokenSweep((line) => display.reporter.line(line), options.sweepEveryMs);
  const runs = runsInFlight();
  const environment: LocalEnvironment = {
    bucket,
    stateMachineArn,
    endpoints,
    s3,
    builtin,
    cognito: builtin.cognito.standIn,
    runtime,
    sageMaker,
    rekognition,
    eventBridge,
    deliveries,
    lastState,
    sweepTaskTokens: sweep.tick,
    setReporter(next) {
      display.reporter = next;
    },
    trackRun: runs.track,
    stop: () => Promise.resolve(),
  };
  environment.stop = stopper(environment, { ...servers, sweep }, runs);
  return environment;
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
