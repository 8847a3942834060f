import { randomUUID } from 'node:crypto';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { StateMachine } from 'aws-local-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { loadStateMachine } from '../../local-runtime/asl-loader';
import { importHandler } from '../../local-runtime/lambda-registry';
import { fakeContext } from '../fake-context';

type StateHandler = (stateInput: unknown) => Promise<unknown>;

export interface RunOptions {
  input: unknown;
  executionName?: string;
  /** Replaces a state's Lambda by state name. */
  overrides?: Partial<Record<string, StateHandler>>;
  /** Runs after the real startLabelingJob handler returned: drive the task-token callback here. */
  onLabelingJobStarted?: (ctx: { taskToken: string; payload: unknown }) => Promise<void>;
  /** The callback state fails with States.Timeout instead of waiting. */
  labelingWaitTimesOut?: boolean;
}

export interface RunResult {
  status: 'SUCCEEDED' | 'FAILED';
  path: string[];
  transitions: number;
  error?: { Error: string; Cause: string };
  output?: unknown;
  /** Input each state received, by state name (last entry wins for loops). */
  inputs: Record<string, unknown>;
  /** Errors raised by each failing or retried state, in order. */
  stateErrors: { state: string; Error: string }[];
}

const timeout = (): Error => Object.assign(new Error('the labeling wait timed out'), { name: 'States.Timeout' });

/** The held callback: resolved by SendTaskSuccess, rejected by SendTaskFailure, once. */
const holdCallback = (taskToken: string) => {
  let settle: { resolve: (v: unknown) => void; reject: (e: Error) => void } | undefined;
  const waiting = new Promise<unknown>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const take = (token: string | undefined) => {
    const current = settle;
    if (token !== taskToken || current === undefined) {
      throw new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} });
    }
    settle = undefined;
    return current;
  };
  const sfn = mockClient(SFNClient);
  sfn.reset();
  sfn.on(SendTaskSuccessCommand).callsFake((input: { taskToken?: string; output?: string }) => {
    take(input.taskToken).resolve(JSON.parse(input.output ?? 'null'));
    return {};
  });
  sfn.on(SendTaskFailureCommand).callsFake((input: { taskToken?: string; error?: string; cause?: string }) => {
    take(input.taskToken).reject(Object.assign(new Error(input.cause ?? ''), { name: input.error ?? 'Error' }));
    return {};
  });
  return waiting;
};

/**
 * Runs the real ASL file with aws-local-stepfunctions and the real handlers (as serverless.yml
 * maps them), with waits and retry intervals at zero. The callback state runs the real
 * startLabelingJob handler, then waits for SendTaskSuccess/SendTaskFailure on a mocked SFN client.
 */
export const runStateMachine = async (options: RunOptions): Promise<RunResult> => {
  const { definition, functionOfState, callbackStates, waitStates, retriedStates } = loadStateMachine();
  const taskToken = `token-${randomUUID()}`;
  const executionName = options.executionName ?? 'logos-2026-test';

  const handlers: Record<string, StateHandler> = {};
  for (const [state, functionKey] of Object.entries(functionOfState)) {
    const override = options.overrides?.[state];
    const real: StateHandler = async (input) => (await importHandler(functionKey))(input, fakeContext);
    if (!callbackStates.includes(state)) {
      handlers[state] = override ?? real;
      continue;
    }
    handlers[state] = async (parameters) => {
      const payload = (parameters as { Payload?: unknown }).Payload;
      if (override) return override(payload);
      const waiting = holdCallback(taskToken);
      await real(payload);
      if (options.labelingWaitTimesOut) throw timeout();
      await options.onLabelingJobStarted?.({ taskToken, payload });
      return waiting;
    };
  }

  const machine = new StateMachine(definition as never, { validationOptions: { checkPaths: true } });
  const zeroes = (names: string[]) => Object.fromEntries(names.map((n) => [n, 0]));
  const execution = machine.run(options.input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers as never,
      waitTimeOverrides: zeroes(waitStates),
      retryIntervalOverrides: zeroes(retriedStates),
    },
    context: {
      Execution: { Name: executionName, Input: options.input as never, StartTime: new Date().toISOString() },
      Task: { Token: taskToken },
    },
  });

  // The outcome is read from the event log; the result promise must not reject unobserved.
  execution.result.catch(() => undefined);
  const result: RunResult = { status: 'SUCCEEDED', path: [], transitions: 0, inputs: {}, stateErrors: [] };
  for await (const event of execution.eventLogs) {
    if (event.type === 'StateEntered') {
      result.path.push(event.state.name);
      result.inputs[event.state.name] = event.state.input;
    } else if (event.type === 'StateFailed' || event.type === 'StateRetried') {
      const error = 'Error' in event ? String(event.Error) : 'retried';
      result.stateErrors.push({ state: event.state.name, Error: error });
    } else if (event.type === 'ExecutionFailed') {
      result.status = 'FAILED';
      result.error = { Error: event.Error, Cause: String(event.Cause ?? '') };
    } else if (event.type === 'ExecutionSucceeded') {
      result.output = event.output;
    }
  }
  result.transitions = result.path.length;
  return result;
};
