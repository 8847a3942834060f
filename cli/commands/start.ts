import { paginateListStateMachines, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Command } from 'commander';
import { parseOrThrow } from '../../functions/kernel/parse';
import { executionNameForCli } from '../../functions/kernel/rules/run-id';
import { ExecutionInput } from '../../functions/run/contracts/execution-input';
import { AWS_SETUP_HELP, explainAwsError, resolveAwsSetup } from '../aws-setup';
import { regionOption } from '../region-name';

export interface StartOptions {
  bucket: string;
  prefix: string;
  labels?: string;
  autoLabeling?: boolean;
  train?: boolean;
  workers?: string;
  stage: string;
  stateMachineArn?: string;
  region?: string;
}

/** The deployed state machine is named `labeling-pipeline-<stage>` (serverless.yml). */
const findStateMachineArn = async (sfn: SFNClient, stage: string): Promise<string> => {
  const name = `labeling-pipeline-${stage}`;
  for await (const page of paginateListStateMachines({ client: sfn }, {})) {
    const found = page.stateMachines?.find((m) => m.name === name);
    if (found?.stateMachineArn) return found.stateMachineArn;
  }
  throw new Error(
    `no state machine named ${name} in this account and region; deploy the stack or pass --state-machine-arn`,
  );
};

export const consoleUrl = (executionArn: string): string => {
  const region = executionArn.split(':')[3] ?? 'us-east-1';
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
};

/** Builds and validates the execution input with the same schema PrepareRun applies. */
const executionInputOf = (options: StartOptions): ExecutionInput =>
  parseOrThrow(
    ExecutionInput,
    {
      bucket: options.bucket,
      prefix: options.prefix,
      labels: options.labels?.split(',').map((l) => l.trim()),
      autoLabeling: options.autoLabeling,
      train: options.train,
      workersPerObject: options.workers === undefined ? undefined : Number(options.workers),
    },
    'execution input',
  );

export const startRun = async (sfn: SFNClient, options: StartOptions, now = new Date()) => {
  const input = executionInputOf(options);
  const stateMachineArn = options.stateMachineArn ?? (await findStateMachineArn(sfn, options.stage));
  const name = executionNameForCli(input.prefix, now);
  const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
  const executionArn = out.executionArn ?? '';
  return { executionArn, consoleUrl: consoleUrl(executionArn) };
};

export const registerStart = (program: Command): void => {
  program
    .command('start')
    .description('start a run of the deployed pipeline on an uploaded batch')
    .requiredOption('--bucket <bucket>', 'the stack data bucket')
    .requiredOption('--prefix <prefix>', 'the batch folder, e.g. incoming/logos-2026-11/')
    .option('--labels <labels>', 'comma-separated labels (default: the stack default labels)')
    .option('--workers <n>', 'workers per image (1-9)')
    .option('--auto-labeling', 'use automated data labeling when the batch is large enough')
    .option('--train', 'train a model version once the dataset exists')
    .option('--stage <stage>', 'the deployed stage', 'dev')
    .option('--state-machine-arn <arn>', 'the state machine to start (default: found by stage)')
    .addOption(regionOption())
    .addHelpText('after', AWS_SETUP_HELP)
    .action(async (options: StartOptions) => {
      // A bad input is reported before anything about AWS is needed.
      executionInputOf(options);
      const sfn = new SFNClient(await resolveAwsSetup(options.region));
      const started = await startRun(sfn, options).catch((error: unknown) => {
        throw explainAwsError(error);
      });
      process.stdout.write(`execution: ${started.executionArn}\nconsole:   ${started.consoleUrl}\n`);
    });
};
