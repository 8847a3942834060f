import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { startAwsApiServer } from './aws-api-server';
import { type BuiltinServices, builtinEnvironment, startBuiltinServices } from './builtin-services';
import { functionRules, matchesPattern } from './event-rules';
import { configureLocalEnvironment, LOCAL_BUCKET, LOCAL_REGION, LOCAL_STATE_MACHINE_ARN } from './local-environment';
import { LOCAL_S3_CREDENTIALS, startS3Server } from './s3-server';
import type { CognitoStandIn } from './stand-ins/cognito';
import { type DeliveredEvent, EventBridgeStandIn, eventEnvelope } from './stand-ins/eventbridge';
import { s3ObjectStore } from './stand-ins/object-store';
import { RekognitionStandIn } from './stand-ins/rekognition';
import { type LabelingProgress, SageMakerStandIn } from './stand-ins/sagemaker';
import { type ExecutionRecord, stepFunctionsService } from './stand-ins/step-functions';
import { invokeHandler, StepFunctionsRuntime } from './step-functions-runtime';

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
  setReporter(reporter: RunReporter): void;
  stop(): Promise<void>;
}

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
  // PutEvents entries reach the functions whose rule matches ("Built-in Labeling Job Ready" -> finalizeBuiltinJob).
  const rules = functionRules();
  const routed = new Set<Promise<void>>();
  eventBridge.onEvent((event) => {
    for (const rule of rules) {
      if (!matchesPattern(rule.pattern, event as unknown as Record<string, unknown>)) continue;
      const delivery = deliver(rule.functionKey, event).finally(() => routed.delete(delivery));
      routed.add(delivery);
    }
  });
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
  const builtin = await startBuiltinServices().catch(async (error: unknown) => {
    await s3Server.stop();
    throw error;
  });
  const apiServer = await startAwsApiServer([
    sageMaker.service,
    rekognition.service,
    stepFunctionsService(runtime),
    eventBridge.service,
  ]).catch(async (error: unknown) => {
    await Promise.allSettled([builtin.stop(), s3Server.stop()]);
    throw error;
  });
  configureLocalEnvironment({
    endpoints: { s3: s3Server.endpoint, api: apiServer.endpoint },
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
  });
  builtinEnvironment(builtin);
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
      await Promise.allSettled([apiServer.stop(), builtin.stop(), s3Server.stop()]);
      throw error;
    }
  }
  const portal = await builtin.startPortal(invokeHandler, (route, error) =>
    reporter.line(`! ${route} failed: ${(error as Error).stack ?? String(error)}`),
  );

  let stopped: Promise<void> | undefined;
  return {
    bucket,
    stateMachineArn,
    endpoints: {
      s3: s3Server.endpoint,
      api: apiServer.endpoint,
      portal: portal.endpoint,
      cognito: builtin.cognito.endpoint,
      dynamodb: builtin.dynamodb.endpoint,
    },
    s3,
    builtin,
    cognito: builtin.cognito.standIn,
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
        await Promise.allSettled([...routed]);
        await builtin.stop();
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
