import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { ACCOUNT_ID, REGION, ServiceError } from '../stand-ins/json-protocol';
import type { ExecutionHost, ExecutionRecord } from '../stand-ins/step-functions';
import { type LoadedStateMachine, loadStateMachine } from './asl-loader';
import { replaceDistributedMaps, runDistributedMap } from './distributed-map';
import { type LambdaHandler, loadHandlerExport } from './lambda-registry';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type TaskHandler = (input: Json) => Promise<Json>;

export interface StepFunctionsRuntimeOptions {
  stateMachineArn: string;
  /** How long every Wait state pauses, so the poll loops run quickly (default 200 ms). */
  waitMs?: number;
  /** Pause before a Retry (default 100 ms instead of the ASL's seconds). */
  retryIntervalMs?: number;
  /** Timeout of the task-token wait; the ASL's 32 days do not fit a timer (default 900 s). */
  callbackTimeoutSeconds?: number;
  /** Invokes a function by serverless.yml key; defaults to the real handler, in process. */
  invoke?: (functionKey: string, event: unknown) => Promise<unknown>;
  onStateEntered?: (execution: ExecutionRecord, state: string) => void;
  onStateExited?: (execution: ExecutionRecord, state: string, output: unknown) => void;
  /** Called once per execution when it ends (the "Execution Status Change" moment). */
  onExecutionEnded?: (execution: ExecutionRecord) => Promise<void> | void;
  /** Every event of the interpreter's log (StateEntered, StateRetried, ExecutionFailed, ...), in order. */
  onEvent?: (execution: ExecutionRecord, event: ExecutionEvent) => void;
  /**
   * Test doubles: a state whose name this returns a handler for runs that handler instead of
   * its function (a callback state gets its `Payload` and does not wait for a token).
   */
  stateOverride?: (state: string) => ((input: unknown) => Promise<unknown>) | undefined;
  /** The client Distributed Map states list and write with (default: one for the environment's S3 endpoint). */
  s3?: () => S3Client;
}

/** An entry of the interpreter's event log. */
export type ExecutionEvent = EventLogOf<StateMachine['run']>;
type EventLogOf<R> = R extends (...args: never[]) => { eventLogs: AsyncGenerator<infer E> } ? E : never;

interface WaitingTask {
  executionArn: string;
  resolve: (output: Json) => void;
  reject: (error: Error) => void;
}

interface RunningExecution {
  record: ExecutionRecord;
  abort: () => void;
  /** Settles after the execution ended and its end was reported. */
  finished: Promise<ExecutionRecord>;
}

/** Execution names: 1-80 characters without whitespace or the characters AWS forbids (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html). */
const INVALID_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
const isControlCharacter = (c: string): boolean => {
  const code = c.charCodeAt(0);
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
};
const isInvalidName = (name: string): boolean =>
  name.length < 1 || name.length > 80 || INVALID_NAME_CHARACTERS.test(name) || [...name].some(isControlCharacter);

/** A Lambda context for in-process invocations; no `getRemainingTimeInMillis`, so middy never cuts a step short. */
const lambdaContext = (functionKey: string) => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: `labeling-pipeline-local-${functionKey}`,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:labeling-pipeline-local-${functionKey}`,
  memoryLimitInMB: '1024',
  awsRequestId: randomBytes(16).toString('hex'),
  logGroupName: `/aws/lambda/labeling-pipeline-local-${functionKey}`,
  logStreamName: 'local',
});

const handlers = new Map<string, LambdaHandler>();

/**
 * The deployed handler export of a function (`file.export` in serverless.yml). Loaded with `require`,
 * not `import()`: the CLI runs TypeScript through tsx's CommonJS hook, which dynamic `import()`
 * of a `.ts` path does not go through.
 */
const loadHandler = (functionKey: string): LambdaHandler => {
  const cached = handlers.get(functionKey);
  if (cached) return cached;
  const handler = loadHandlerExport(functionKey);
  handlers.set(functionKey, handler);
  return handler;
};

/** Invokes the deployed handler of a function in this process, as Lambda would (JSON in, JSON out). */
export const invokeHandler = async (functionKey: string, event: unknown): Promise<unknown> => {
  const handler = loadHandler(functionKey);
  const result = await handler(JSON.parse(JSON.stringify(event ?? null)), lambdaContext(functionKey));
  return result === undefined ? null : JSON.parse(JSON.stringify(result));
};

/** A task token in the shape of the real ones (opaque, base64-ish, well under 1,024 characters). */
const newTaskToken = (): string => `AQB${randomBytes(96).toString('base64url')}`;
const looksLikeToken = (token: string): boolean => /^AQB[A-Za-z0-9_-]{64,}$/.test(token);

/**
 * Runs the real ASL (statemachines/labeling-pipeline.asl.yml) with aws-local-stepfunctions:
 * every Task invokes the real handler in process; the task-token state invokes its handler
 * with `Parameters.Payload` (holding a fresh token) and then waits until SendTaskSuccess or
 * SendTaskFailure arrives through the Step Functions stand-in. Executions are kept by name, so
 * StartExecution is idempotent the way Step Functions is (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
 */
export class StepFunctionsRuntime implements ExecutionHost {
  private readonly machine: LoadedStateMachine;
  /** Timeout of the task-token wait for executions started from now on (seconds). */
  callbackTimeoutSeconds: number;
  private readonly executions = new Map<string, RunningExecution>();
  private readonly waiting = new Map<string, WaitingTask>();
  private readonly closedTokens = new Set<string>();
  private readonly invoke: (functionKey: string, event: unknown) => Promise<unknown>;
  private readonly stateMachineName: string;
  /** The ASL's Distributed Map states, by name: they run through `runDistributedMap`. */
  private distributedMaps: Record<string, Record<string, Json>> = {};
  private s3Client: S3Client | undefined;

  constructor(private readonly options: StepFunctionsRuntimeOptions) {
    this.machine = loadStateMachine();
    this.invoke = options.invoke ?? invokeHandler;
    this.stateMachineName = options.stateMachineArn.split(':').pop() ?? 'labeling-pipeline-local';
    this.callbackTimeoutSeconds = options.callbackTimeoutSeconds ?? 900;
    this.stateMachineFor(this.callbackTimeoutSeconds); // fails fast on a definition the interpreter rejects
  }

  /** The interpreter for the ASL with the callback states' timeout replaced (a timer cannot hold 32 days). */
  private stateMachineFor(callbackTimeoutSeconds: number): StateMachine {
    // A JSON copy, not structuredClone: under jest that returns objects of another realm, which the
    // interpreter does not take for plain objects (nested Parameters would go unevaluated).
    const definition = JSON.parse(JSON.stringify(this.machine.definition)) as {
      States: Record<string, Record<string, Json>>;
    };
    for (const name of this.machine.callbackStates) {
      const state = definition.States[name];
      if (state) state.TimeoutSeconds = callbackTimeoutSeconds;
    }
    this.distributedMaps = replaceDistributedMaps(definition);
    return new StateMachine(definition as unknown as StateMachineDefinition, {
      validationOptions: { checkArn: false },
    });
  }

  start(stateMachineArn: string, name: string, input: string): ExecutionRecord {
    if (stateMachineArn !== this.options.stateMachineArn) {
      throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    }
    if (isInvalidName(name)) {
      throw new ServiceError('InvalidName', `Invalid Name: '${name}'`);
    }
    let parsed: Json;
    try {
      parsed = JSON.parse(input) as Json;
    } catch {
      throw new ServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: input is not JSON');
    }
    const existing = this.executions.get(name);
    if (existing) {
      // Same name and input while running: the same execution (Standard workflows are idempotent).
      if (existing.record.status === 'RUNNING' && existing.record.input === input) return existing.record;
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${existing.record.executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn: `arn:aws:states:${REGION}:${ACCOUNT_ID}:execution:${this.stateMachineName}:${name}`,
      stateMachineArn,
      name,
      input,
      status: 'RUNNING',
      startDate: new Date(),
    };
    this.executions.set(name, this.run(record, parsed));
    return record;
  }

  find(executionArn: string): ExecutionRecord | undefined {
    return [...this.executions.values()].find((e) => e.record.executionArn === executionArn)?.record;
  }

  list(stateMachineArn: string): ExecutionRecord[] {
    return [...this.executions.values()].map((e) => e.record).filter((r) => r.stateMachineArn === stateMachineArn);
  }

  /** Resolves when the execution has ended and its end has been reported. */
  async waitFor(executionArn: string): Promise<ExecutionRecord> {
    const found = [...this.executions.values()].find((e) => e.record.executionArn === executionArn);
    if (!found) throw new Error(`no execution ${executionArn}`);
    return found.finished;
  }

  sendTaskSuccess(taskToken: string, output: unknown): void {
    this.takeWaiting(taskToken).resolve(output as Json);
  }

  sendTaskFailure(taskToken: string, error: string, cause: string): void {
    const failure = new Error(cause);
    failure.name = error === '' ? 'States.TaskFailed' : error;
    this.takeWaiting(taskToken).reject(failure);
  }

  /** Aborts an execution, as StopExecution would. */
  abort(executionArn: string): void {
    const found = [...this.executions.values()].find((e) => e.record.executionArn === executionArn);
    if (found?.record.status === 'RUNNING') found.abort();
  }

  /** Aborts every running execution and waits until each has ended. */
  async stop(): Promise<void> {
    const running = [...this.executions.values()].filter((e) => e.record.status === 'RUNNING');
    for (const e of running) e.abort();
    await Promise.allSettled(running.map((e) => e.finished));
  }

  private takeWaiting(taskToken: string): WaitingTask {
    const task = this.waiting.get(taskToken);
    if (task === undefined) {
      if (this.closedTokens.has(taskToken) || looksLikeToken(taskToken)) {
        throw new ServiceError('TaskTimedOut', 'Task Timed Out: the task token has expired or its task is closed');
      }
      throw new ServiceError('InvalidToken', 'Invalid Token: the provided token is not valid');
    }
    this.closeToken(taskToken);
    return task;
  }

  private closeToken(taskToken: string): void {
    this.waiting.delete(taskToken);
    this.closedTokens.add(taskToken);
  }

  /** Rejects every task of the execution still waiting for a callback (its execution ended). */
  private closeTokensOf(executionArn: string): void {
    for (const [token, task] of [...this.waiting]) {
      if (task.executionArn !== executionArn) continue;
      this.closeToken(token);
      task.reject(new Error('execution ended'));
    }
  }

  private taskHandlers(record: ExecutionRecord, signal: AbortSignal): Record<string, TaskHandler> {
    const callbacks = new Set(this.machine.callbackStates);
    const entries = Object.entries(this.machine.functionOfState).map(([state, functionKey]): [string, TaskHandler] => {
      const override = this.options.stateOverride?.(state);
      if (override) {
        const payloadOf = (input: Json) => (callbacks.has(state) ? (input as { Payload?: Json }).Payload : input);
        return [state, async (input) => (await override(payloadOf(input))) as Json];
      }
      if (!callbacks.has(state)) return [state, async (input) => (await this.invoke(functionKey, input)) as Json];
      return [state, (input) => this.invokeAndWait(record, functionKey, input)];
    });
    const handlers: Record<string, TaskHandler> = Object.fromEntries(entries);
    for (const [name, map] of Object.entries(this.distributedMaps)) {
      const context = {
        stateName: name,
        stateMachineName: this.stateMachineName,
        s3: () => this.s3(),
        taskHandlers: handlers,
        retryIntervalMs: this.options.retryIntervalMs ?? 100,
        signal,
      };
      const override = this.options.stateOverride?.(name);
      handlers[name] = override
        ? async (input) => (await override(input)) as Json
        : (input) => runDistributedMap(map, input, context);
    }
    return handlers;
  }

  /** The S3 client of Distributed Map states, made on first use (the local S3 endpoint is set by then). */
  private s3(): S3Client {
    this.s3Client ??= this.options.s3?.() ?? new S3Client({ forcePathStyle: true });
    return this.s3Client;
  }

  /**
   * `lambda:invoke.waitForTaskToken`: the function gets `Parameters.Payload` with a fresh token
   * (a retried attempt gets a new one, as in Step Functions), then the state waits for the token.
   */
  private async invokeAndWait(record: ExecutionRecord, functionKey: string, input: Json): Promise<Json> {
    const payload = typeof input === 'object' && input !== null && !Array.isArray(input) ? input.Payload : undefined;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new Error(`${functionKey}: waitForTaskToken state has no Payload object`);
    }
    const taskToken = newTaskToken();
    const callback = new Promise<Json>((resolve, reject) => {
      this.waiting.set(taskToken, { executionArn: record.executionArn, resolve, reject });
    });
    // The state may fail before any callback: the waiting promise must not be left unhandled.
    callback.catch(() => undefined);
    try {
      await this.invoke(functionKey, { ...payload, taskToken });
    } catch (error) {
      if (this.waiting.has(taskToken)) this.closeToken(taskToken);
      throw error;
    }
    return callback;
  }

  private run(record: ExecutionRecord, input: Json): RunningExecution {
    const { waitStates, retriedStates } = this.machine;
    const aborted = new AbortController();
    const options: RunOptions = {
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(record, aborted.signal),
        waitTimeOverrides: Object.fromEntries(waitStates.map((name) => [name, this.options.waitMs ?? 200])),
        retryIntervalOverrides: Object.fromEntries(
          retriedStates.map((name) => [name, this.options.retryIntervalMs ?? 100]),
        ),
      },
      context: {
        Execution: {
          Id: record.executionArn,
          Name: record.name,
          RoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/labeling-pipeline-local`,
          StartTime: record.startDate.toISOString(),
        },
        StateMachine: { Id: record.stateMachineArn, Name: this.stateMachineName },
        // Replaced by a fresh token for each attempt of a callback state (invokeAndWait).
        Task: { Token: 'pending' },
      },
    };
    const execution = this.stateMachineFor(this.callbackTimeoutSeconds).run(input, options);
    const followed = this.followEvents(record, execution.eventLogs);
    const finished = execution.result.then(
      (output) => {
        record.status = 'SUCCEEDED';
        record.output = JSON.stringify(output);
      },
      (error: unknown) => {
        if (error instanceof ExecutionAbortedError) record.status = 'ABORTED';
        else if (error instanceof ExecutionTimeoutError) record.status = 'TIMED_OUT';
        else {
          record.status = 'FAILED';
          const cause = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
          record.error = cause instanceof Error ? cause.name : 'States.Runtime';
          record.cause = cause instanceof Error ? cause.message : String(cause);
        }
      },
    );
    const reported = finished.then(async () => {
      // Listeners have seen the whole event log before the end is reported.
      await followed;
      record.stopDate = new Date();
      this.closeTokensOf(record.executionArn);
      await this.options.onExecutionEnded?.(record);
      return record;
    });
    const abort = () => {
      aborted.abort();
      execution.abort();
    };
    return { record, abort, finished: reported };
  }

  private async followEvents(record: ExecutionRecord, events: AsyncGenerator<ExecutionEvent>): Promise<void> {
    const { onStateEntered, onStateExited, onEvent } = this.options;
    if (!onStateEntered && !onStateExited && !onEvent) return;
    try {
      for await (const event of events) {
        onEvent?.(record, event);
        if (event.type === 'StateEntered') onStateEntered?.(record, event.state.name);
        if (event.type === 'StateExited') onStateExited?.(record, event.state.name, event.state.output);
      }
    } catch {
      // A listener's failure must not change the execution's outcome.
    }
  }
}
