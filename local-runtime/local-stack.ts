import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
// A type only: handler modules load lazily, after the local environment is set up.
import type { SweepResult } from '../functions/labeling/sweep-task-tokens/handler';
import { startAwsApiServer } from './aws-api-server';
import {
  configureLocalEnvironment,
  LOCAL_ACCOUNT_ID,
  LOCAL_BUCKET,
  LOCAL_REGION,
  LOCAL_STATE_MACHINE_ARN,
} from './local-environment';
import { LOCAL_S3_CREDENTIALS, startS3Server } from './s3-server';
import { type DeliveredEvent, EventBridgeStandIn, eventEnvelope } from './stand-ins/eventbridge';
import { s3ObjectStore } from './stand-ins/object-store';
import { RekognitionStandIn } from './stand-ins/rekognition';
import { type LabelingProgress, SageMakerStandIn } from './stand-ins/sagemaker';
import { type ExecutionRecord, stepFunctionsService } from './stand-ins/step-functions';
import { invokeHandler, StepFunctionsRuntime } from './step-functions-runtime';

const LOCAL_SWEEP_RULE_ARN = `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/labeling-pipeline-local-task-token-sweep`;

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
  /** One tick of the scheduled task-token sweep (TaskTokenSweepRule), on the local clock. */
  sweepTaskTokens(): Promise<SweepResult>;
  setReporter(reporter: RunReporter): void;
  stop(): Promise<void>;
}

/**
 * Local time runs fast (waits of milliseconds, labeling in a second), so each tick of the sweep
 * sees the clock an hour ahead, as the deployed hourly schedule would after a real hour.
 */
const SWEEP_CLOCK_AHEAD_MS = 60 * 60 * 1000;

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
  let reporter = silentReporter;
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
    const { config } = require('../functions/kernel/config') as typeof import('../functions/kernel/config');
    if (config.DATA_BUCKET !== bucket || config.S3_FORCE_PATH_STYLE !== 'true') {
      throw new Error(
        'functions/kernel/config was imported before the local environment was set up; import handler modules lazily',
      );
    }
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes((error as Error).name)) {
      await Promise.allSettled([apiServer.stop(), s3Server.stop()]);
      throw error;
    }
  }

  const sweepTaskTokens = async (): Promise<SweepResult> => {
    const tick = eventEnvelope('aws.events', 'Scheduled Event', [LOCAL_SWEEP_RULE_ARN], {});
    tick.time = new Date(Date.now() + SWEEP_CLOCK_AHEAD_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const result = (await invokeHandler('sweepTaskTokens', tick)) as SweepResult;
    for (const token of result.tokens) {
      if (token.action === 'resumed') reporter.line(`  task-token sweep: job ${token.jobName} ended ${token.outcome}`);
    }
    return result;
  };
  let sweeping: Promise<unknown> | undefined;
  const sweepTimer =
    options.sweepEveryMs === undefined
      ? undefined
      : setInterval(() => {
          // One tick at a time; a tick's failure is reported as the deployed DLQ would keep it.
          sweeping ??= sweepTaskTokens()
            .catch((error: unknown) => reporter.line(`! sweepTaskTokens failed: ${(error as Error).message}`))
            .finally(() => {
              sweeping = undefined;
            });
        }, options.sweepEveryMs);
  sweepTimer?.unref();

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
    sweepTaskTokens,
    setReporter(next) {
      reporter = next;
    },
    stop() {
      stopped ??= (async () => {
        clearInterval(sweepTimer);
        await sweeping;
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
