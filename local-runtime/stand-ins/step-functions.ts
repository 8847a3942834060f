import {
  epochSeconds,
  type JsonObject,
  optionalString,
  requireString,
  ServiceError,
  type StandInService,
} from './json-protocol';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One execution, as DescribeExecution reports it. */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
}

/** What runs the executions (step-functions-runtime.ts); this module only speaks the wire protocol. */
export interface ExecutionHost {
  /** Starts an execution; throws ServiceError ExecutionAlreadyExists / StateMachineDoesNotExist. */
  start(stateMachineArn: string, name: string, input: string): ExecutionRecord;
  find(executionArn: string): ExecutionRecord | undefined;
  list(stateMachineArn: string): ExecutionRecord[];
  /** Resolves a waiting callback task; throws ServiceError TaskTimedOut / InvalidToken. */
  sendTaskSuccess(taskToken: string, output: unknown): void;
  sendTaskFailure(taskToken: string, error: string, cause: string): void;
}

/** Step Functions limits the stand-in enforces (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html). */
const MAX_ERROR = 256;
const MAX_CAUSE = 32_768;
const MAX_OUTPUT_BYTES = 262_144;

const describe = (e: ExecutionRecord) => ({
  executionArn: e.executionArn,
  stateMachineArn: e.stateMachineArn,
  name: e.name,
  status: e.status,
  startDate: epochSeconds(e.startDate),
  ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
  input: e.input,
  inputDetails: { included: true },
  ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
  ...(e.error !== undefined ? { error: e.error } : {}),
  ...(e.cause !== undefined ? { cause: e.cause } : {}),
});

/** AWS Step Functions stand-in (awsJson1_0, target prefix `AWSStepFunctions`). */
export const stepFunctionsService = (host: ExecutionHost): StandInService => ({
  targetPrefix: 'AWSStepFunctions',
  jsonVersion: '1.0',
  operations: {
    StartExecution: (input: JsonObject) => {
      const stateMachineArn = requireString(input, 'stateMachineArn');
      const name = requireString(input, 'name');
      const executionInput = optionalString(input, 'input') ?? '{}';
      const started = host.start(stateMachineArn, name, executionInput);
      return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
    },
    DescribeExecution: (input: JsonObject) => {
      const arn = requireString(input, 'executionArn');
      const found = host.find(arn);
      if (!found) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
      return describe(found);
    },
    ListExecutions: (input: JsonObject) => {
      const arn = requireString(input, 'stateMachineArn');
      const statusFilter = optionalString(input, 'statusFilter');
      const executions = host
        .list(arn)
        .filter((e) => statusFilter === undefined || e.status === statusFilter)
        .map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: epochSeconds(e.startDate),
          ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
        }));
      return { executions };
    },
    SendTaskSuccess: (input: JsonObject) => {
      const token = requireString(input, 'taskToken');
      const output = requireString(input, 'output');
      if (Buffer.byteLength(output, 'utf8') > MAX_OUTPUT_BYTES) {
        throw new ServiceError('InvalidOutput', `output is larger than ${MAX_OUTPUT_BYTES} bytes`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(output);
      } catch {
        throw new ServiceError('InvalidOutput', 'Invalid State Machine Task Output: output is not JSON');
      }
      host.sendTaskSuccess(token, parsed);
      return {};
    },
    SendTaskFailure: (input: JsonObject) => {
      const token = requireString(input, 'taskToken');
      const error = optionalString(input, 'error') ?? '';
      const cause = optionalString(input, 'cause') ?? '';
      if (error.length > MAX_ERROR) throw new ServiceError('ValidationException', `error is longer than ${MAX_ERROR}`);
      if (cause.length > MAX_CAUSE) throw new ServiceError('ValidationException', `cause is longer than ${MAX_CAUSE}`);
      host.sendTaskFailure(token, error, cause);
      return {};
    },
  },
});
