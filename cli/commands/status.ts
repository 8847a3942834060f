import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { readableCause } from '../../functions/run/rules/run-announcement';

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
    .action(async (executionArn: string) => {
      process.stdout.write(`${formatStatus(await runStatus(new SFNClient({}), executionArn))}\n`);
    });
};
