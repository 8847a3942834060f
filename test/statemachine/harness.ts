import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { loadStateMachine } from '../../local-runtime/stack/asl-loader';
import { importHandler } from '../../local-runtime/stack/lambda-registry';
import { LOCAL_STATE_MACHINE_ARN } from '../../local-runtime/stack/local-environment';
import { type ExecutionEvent, StepFunctionsRuntime } from '../../local-runtime/stack/step-functions-runtime';
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

/** Collects what the tests read from the interpreter's event log. */
const recordEvent = (result: RunResult, event: ExecutionEvent): void => {
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
};

/** Task-token callbacks the handlers send through the SDK go to the runtime's waiting task. */
const routeCallbacks = (runtime: StepFunctionsRuntime): void => {
  const sfn = mockClient(SFNClient);
  sfn.reset();
  sfn.on(SendTaskSuccessCommand).callsFake((input: { taskToken?: string; output?: string }) => {
    runtime.sendTaskSuccess(input.taskToken ?? '', JSON.parse(input.output ?? 'null'));
    return {};
  });
  sfn.on(SendTaskFailureCommand).callsFake((input: { taskToken?: string; error?: string; cause?: string }) => {
    runtime.sendTaskFailure(input.taskToken ?? '', input.error ?? '', input.cause ?? '');
    return {};
  });
};

/**
 * Runs the real ASL file on the local runtime's interpreter driver (the one `npm start` uses)
 * with the real handlers (as serverless.yml maps them), waits and retry intervals at zero. The
 * callback state runs the real startLabelingJob handler, then waits for SendTaskSuccess or
 * SendTaskFailure, which a mocked SFN client hands to the runtime.
 */
export const runStateMachine = async (options: RunOptions): Promise<RunResult> => {
  const { functionOfState, callbackStates } = loadStateMachine();
  const callbackFunctions = new Set(callbackStates.map((state) => functionOfState[state]));
  const result: RunResult = { status: 'SUCCEEDED', path: [], transitions: 0, inputs: {}, stateErrors: [] };

  const invoke = async (functionKey: string, event: unknown): Promise<unknown> => {
    const output = await (await importHandler(functionKey))(event, fakeContext);
    if (!callbackFunctions.has(functionKey)) return output;
    if (options.labelingWaitTimesOut) throw timeout();
    const { taskToken } = event as { taskToken: string };
    await options.onLabelingJobStarted?.({ taskToken, payload: event });
    return output;
  };
  const runtime = new StepFunctionsRuntime({
    stateMachineArn: LOCAL_STATE_MACHINE_ARN,
    waitMs: 0,
    retryIntervalMs: 0,
    invoke,
    stateOverride: (state) => options.overrides?.[state],
    onEvent: (_execution, event) => recordEvent(result, event),
  });
  routeCallbacks(runtime);

  const execution = runtime.start(
    LOCAL_STATE_MACHINE_ARN,
    options.executionName ?? 'logos-2026-test',
    JSON.stringify(options.input),
  );
  await runtime.waitFor(execution.executionArn);
  result.transitions = result.path.length;
  return result;
};
