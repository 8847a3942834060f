import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { readableCause } from '../../functions/run/rules/run-announcement';
import { AWS_SETUP_HELP, explainAwsError, resolveAwsSetup } from '../aws-setup';
import { regionOption } from '../region-name';

export interface RunStatus {
  status: string;
  currentState?: string;
  error?: string;
  cause?: string;
  startedAt?: string;
  stoppedAt?: string;
}

/** The state a running execution is in: the newest StateEntered event in its history. */
const currentState = async (sfn: SFNClient, executionArn: string): Promise<string | undefined> => {
  const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 50 }));
  return history.events?.find((e) => e.stateEnteredEventDetails?.name !== undefined)?.stateEnteredEventDetails?.name;
};

export const runStatus = async (sfn: SFNClient, executionArn: string): Promise<RunStatus> => {
  const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const status = execution.status ?? 'UNKNOWN';
  return {
    status,
    currentState: status === 'RUNNING' ? await currentState(sfn, executionArn) : undefined,
    error: execution.error,
    cause: execution.cause === undefined ? undefined : readableCause(execution.cause),
    startedAt: execution.startDate?.toISOString(),
    stoppedAt: execution.stopDate?.toISOString(),
  };
};

/** arn:<partition>:states:<region>:<account>:execution:<state machine>:<name> (express: for an Express one). */
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(execution|express):[^:\s]+:[^:\s]+$/;

/** Refuses what is not an execution ARN before anything about AWS is needed. */
export const assertExecutionArn = (value: string): string => {
  if (!EXECUTION_ARN.test(value)) {
    throw new Error(
      `"${value}" is not an execution ARN: pass the one \`start\` printed (arn:aws:states:<region>:<account>:execution:labeling-pipeline-<stage>:<name>)`,
    );
  }
  return value;
};

/** `arn:aws:states:<region>:<account>:execution:...`: the region the execution lives in, if the ARN has one. */
export const regionOfArn = (arn: string): string | undefined => {
  const region = arn.split(':')[3];
  return region === undefined || region === '' ? undefined : region;
};

export const formatStatus = (s: RunStatus): string =>
  [
    `status:  ${s.status}`,
    s.currentState && `state:   ${s.currentState}`,
    s.startedAt && `started: ${s.startedAt}`,
    s.stoppedAt && `stopped: ${s.stoppedAt}`,
    s.error && `error:   ${s.error}`,
    s.cause && `cause:   ${s.cause}`,
  ]
    .filter((line): line is string => typeof line === 'string')
    .join('\n');

export const registerStatus = (program: Command): void => {
  program
    .command('status')
    .description('show where a run is, and why it failed if it did')
    .argument('<executionArn>', 'the ARN printed by `start`')
    .addOption(regionOption("the AWS region (default: the execution ARN's region)"))
    .addHelpText('after', AWS_SETUP_HELP)
    .action(async (executionArn: string, options: { region?: string }) => {
      assertExecutionArn(executionArn);
      const sfn = new SFNClient(await resolveAwsSetup(options.region ?? regionOfArn(executionArn)));
      const status = await runStatus(sfn, executionArn).catch((error: unknown) => {
        throw explainAwsError(error);
      });
      process.stdout.write(`${formatStatus(status)}\n`);
    });
};
