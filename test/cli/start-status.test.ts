import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { startRun } from '../../cli/commands/start';
import { formatStatus, runStatus } from '../../cli/commands/status';

const sfn = mockClient(SFNClient);
const arn = 'arn:aws:states:eu-west-1:123456789012:execution:labeling-pipeline-dev:logos-20261125t130405';

describe('cli start and status', () => {
  beforeEach(() => {
    sfn.reset();
    sfn.on(ListStateMachinesCommand).resolves({
      stateMachines: [
        { name: 'other', stateMachineArn: 'arn:other', type: 'STANDARD', creationDate: new Date() },
        { name: 'labeling-pipeline-dev', stateMachineArn: 'arn:sm:dev', type: 'STANDARD', creationDate: new Date() },
      ],
    });
    sfn.on(StartExecutionCommand).resolves({ executionArn: arn, startDate: new Date() });
  });

  it('starts the stage state machine with a validated input and prints the console URL', async () => {
    const options = { bucket: 'data-bucket', prefix: 'incoming/logos/', labels: 'acme, globex', stage: 'dev' };

    const started = await startRun(new SFNClient({}), options, new Date('2026-11-25T13:04:05Z'));

    const call = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(call).toMatchObject({ stateMachineArn: 'arn:sm:dev', name: 'logos-20261125t130405' });
    expect(JSON.parse(call?.input ?? '{}')).toEqual({
      bucket: 'data-bucket',
      prefix: 'incoming/logos/',
      labels: ['acme', 'globex'],
    });
    expect(started.consoleUrl).toBe(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}`,
    );
  });

  it('refuses a bad input before calling AWS, naming the field', async () => {
    const options = { bucket: 'Not_A_Bucket', prefix: 'incoming/logos/', stage: 'dev' };

    await expect(startRun(new SFNClient({}), options)).rejects.toThrow(/bucket/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('says which stage is missing when no state machine is deployed', async () => {
    await expect(
      startRun(new SFNClient({}), { bucket: 'data-bucket', prefix: 'incoming/p/', stage: 'prod' }),
    ).rejects.toThrow('no state machine named labeling-pipeline-prod');
  });

  it('shows the current state of a running execution', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: 'RUNNING', startDate: new Date('2026-11-25T13:00:00Z') } as never);
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [
        { id: 9, type: 'TaskScheduled', timestamp: new Date() },
        {
          id: 8,
          type: 'TaskStateEntered',
          timestamp: new Date(),
          stateEnteredEventDetails: { name: 'StartLabelingJobAndWait' },
        },
      ],
    });

    const status = await runStatus(new SFNClient({}), arn);

    expect(status).toMatchObject({ status: 'RUNNING', currentState: 'StartLabelingJobAndWait' });
    expect(formatStatus(status)).toContain('state:   StartLabelingJobAndWait');
  });

  it('shows the error and readable cause of a failed execution', async () => {
    const cause = JSON.stringify({ errorType: 'NoValidImages', errorMessage: 'all 4 images rejected' });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'NoValidImages', cause } as never);

    const text = formatStatus(await runStatus(new SFNClient({}), arn));

    expect(text).toContain('error:   NoValidImages');
    expect(text).toContain('cause:   all 4 images rejected');
  });
});

describe('cli start and status without AWS set up', () => {
  const home = mkdtempSync(join(tmpdir(), 'labeling-pipeline-no-aws-'));
  // A machine with no AWS configuration at all: no region, no keys, no profile, no instance role.
  const bare = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(__dirname, '..', '..', 'cli', 'bin.cjs'), ...args], {
      encoding: 'utf8',
      env: bare,
      timeout: 60_000,
    });
  const startArgs = ['start', '--bucket', 'data-bucket', '--prefix', 'incoming/logos/'];

  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('start says the region is missing and how to set it, not the SDK message alone', () => {
    const run = cli(...startArgs);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no AWS region is set');
    expect(run.stderr).toContain('--region <region>');
    expect(run.stderr).toContain('AWS_REGION');
  });

  it('start with --region says the credentials are missing and how to sign in', () => {
    const run = cli(...startArgs, '--region', 'eu-west-1');

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no AWS credentials found');
    expect(run.stderr).toContain('aws sso login');
    expect(run.stderr).toContain('AWS_ACCESS_KEY_ID');
  });

  it('status takes the region from the execution ARN, then says the credentials are missing', () => {
    const run = cli('status', arn);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('no AWS credentials found');
    expect(run.stderr).not.toContain('region');
  });

  it('still reports a bad input before anything about AWS', () => {
    const run = cli('start', '--bucket', 'Not_A_Bucket', '--prefix', 'incoming/logos/');

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('bucket');
    expect(run.stderr).not.toContain('AWS region');
  });

  it('status says an argument is not an execution ARN instead of asking for credentials', () => {
    const run = cli('status', 'notanarn');

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('"notanarn" is not an execution ARN');
    expect(run.stderr).not.toContain('credentials');
  });

  it.each([
    ['labelers', 'add', 'ana@example.com', '--group', 'team-a'],
    ['labelers', 'list'],
    ['jobs', 'close', 'logos-a'],
    ['web', 'publish'],
  ])('%s %s takes --region like start: without it the region is missing, with it the credentials', (...args) => {
    const without = cli(...args);
    const withRegion = cli(...args, '--region', 'eu-west-1');

    expect(without.status).toBe(1);
    expect(without.stderr).toContain('no AWS region is set');
    expect(withRegion.status).toBe(1);
    expect(withRegion.stderr).toContain('no AWS credentials found');
  });

  it.each([
    ['start', '--bucket', 'data-bucket', '--prefix', 'incoming/logos/'],
    ['status', arn],
    ['doctor'],
    ['labelers', 'list'],
    ['jobs', 'list'],
    ['web', 'publish'],
    ['convert', 'output.manifest', '--out', 'out'],
  ])('%s refuses --region mars-1, naming the shape of a region', (...args) => {
    const run = cli(...args, '--region', 'mars-1');

    expect(run.status).toBe(1);
    expect(run.stderr).toContain('"mars-1" is not an AWS region name');
    expect(run.stderr).toContain('us-east-1');
  });

  it.each(['start', 'status', 'labelers list', 'jobs list', 'web publish'])(
    'documents --region and the AWS setup in %s --help',
    (command) => {
      const run = cli(...command.split(' '), '--help');

      expect(run.stdout).toContain('--region <region>');
      expect(run.stdout).toContain('AWS_REGION');
      expect(run.stdout).toContain('labeling-pipeline doctor');
    },
  );
});
