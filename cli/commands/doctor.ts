import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeProjectsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import {
  ListLabelingJobsCommand,
  ListWorkforcesCommand,
  ListWorkteamsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { Command } from 'commander';
import {
  groundTruthRegionNames,
  isGroundTruthRegion,
} from '../../functions/labeling/ground-truth/contracts/ground-truth-regions';
import { AWS_SETUP_HELP, type AwsSetup, AwsSetupError, CREDENTIALS_HELP, resolveAwsSetup } from '../aws-setup';

export interface CheckResult {
  check: string;
  ok: boolean;
  detail: string;
  /** How to fix a problem (or, for an ok check, what to do with what it found). */
  fix?: string;
}

export interface DoctorClients {
  sts: STSClient;
  sageMaker: SageMakerClient;
  rekognition: RekognitionClient;
  cloudFormation: CloudFormationClient;
}

export interface DoctorOptions {
  stage: string;
  region?: string;
}

/** The stack outputs a run needs (infra/storage.yml, infra/alarms.yml). */
const REQUIRED_OUTPUTS = ['DataBucketName', 'StateMachineArn', 'LabelingExecutionRoleArn', 'AlarmTopicArn'];

const problem = (check: string, detail: string, fix: string): CheckResult => ({ check, ok: false, detail, fix });
const nameOf = (error: unknown) => (error instanceof Error ? error.name : 'Error');
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const denied = (error: unknown) => /AccessDenied|NotAuthorized|UnauthorizedOperation/.test(nameOf(error));

const regionCheck = (region: string): CheckResult =>
  isGroundTruthRegion(region)
    ? { check: 'region', ok: true, detail: `${region} has Ground Truth's bounding-box functions` }
    : problem(
        'region',
        `${region} has no Ground Truth bounding-box functions, so the stack cannot be packaged there`,
        `use one of ${groundTruthRegionNames().join(', ')}: --region us-east-1`,
      );

const credentialsCheck = async ({ sts }: DoctorClients): Promise<CheckResult> => {
  try {
    const me = await sts.send(new GetCallerIdentityCommand({}));
    return { check: 'credentials', ok: true, detail: `account ${me.Account} as ${me.Arn}` };
  } catch (error) {
    return problem('credentials', `AWS rejected them (${nameOf(error)}: ${messageOf(error)})`, CREDENTIALS_HELP);
  }
};

/** One private workforce per account and region: if there is one, the stack must reuse one of its teams. */
const workforceCheck = async ({ sageMaker }: DoctorClients, region: string): Promise<CheckResult> => {
  const check = 'workforce';
  try {
    const { Workforces = [] } = await sageMaker.send(new ListWorkforcesCommand({}));
    const workforce = Workforces[0];
    if (workforce === undefined) {
      return {
        check,
        ok: true,
        detail: `no private workforce in ${region} yet`,
        fix: 'deploy with --param "createWorkforce=true" to create one (a Cognito user pool, a workforce and a team)',
      };
    }
    const { Workteams = [] } = await sageMaker.send(new ListWorkteamsCommand({}));
    const pool = workforce.CognitoConfig
      ? `Cognito user pool ${workforce.CognitoConfig.UserPool} (app client ${workforce.CognitoConfig.ClientId})`
      : `OIDC issuer ${workforce.OidcConfig?.Issuer ?? 'unknown'}`;
    const teams = Workteams.map((t) => t.WorkteamArn).filter((arn): arn is string => arn !== undefined);
    return {
      check,
      ok: true,
      detail: `private workforce ${workforce.WorkforceName} uses ${pool}; teams: ${teams.join(', ') || 'none'}`,
      fix: `createWorkforce=true would fail here (one workforce per account and region): deploy with --param "workteamArn=${teams[0] ?? '<a team of this workforce>'}"`,
    };
  } catch (error) {
    return problem(
      check,
      `cannot list workforces (${nameOf(error)}: ${messageOf(error)})`,
      'allow sagemaker:ListWorkforces and sagemaker:ListWorkteams to your role',
    );
  }
};

const groundTruthCheck = async ({ sageMaker }: DoctorClients): Promise<CheckResult> => {
  try {
    await sageMaker.send(new ListLabelingJobsCommand({ MaxResults: 1 }));
    return { check: 'ground truth', ok: true, detail: 'this account may use SageMaker Ground Truth labeling jobs' };
  } catch (error) {
    return problem(
      'ground truth',
      `ListLabelingJobs failed (${nameOf(error)}: ${messageOf(error)})`,
      denied(error)
        ? 'Ground Truth is closed to new customers since 2026: use an account that already has it, or grant your role sagemaker:ListLabelingJobs and sagemaker:CreateLabelingJob'
        : 'check the region and try again',
    );
  }
};

const rekognitionCheck = async ({ rekognition }: DoctorClients): Promise<CheckResult> => {
  try {
    await rekognition.send(new DescribeProjectsCommand({ MaxResults: 1 }));
    return { check: 'rekognition', ok: true, detail: 'Rekognition Custom Labels answers' };
  } catch (error) {
    return problem(
      'rekognition',
      `DescribeProjects failed (${nameOf(error)}: ${messageOf(error)})`,
      denied(error)
        ? 'grant your role rekognition:DescribeProjects (and the pipeline creates the rest)'
        : 'check the region',
    );
  }
};

const stackCheck = async ({ cloudFormation }: DoctorClients, stage: string, region: string): Promise<CheckResult> => {
  const name = `labeling-pipeline-${stage}`;
  const deploy = `npx osls deploy --stage ${stage} --region ${region} --param "workteamArn=..." (or createWorkforce=true)`;
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
    const stack = Stacks[0];
    const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    const missing = REQUIRED_OUTPUTS.filter((key) => !outputs[key]);
    const status = stack?.StackStatus ?? 'UNKNOWN';
    if (!/_COMPLETE$/.test(status) || /ROLLBACK|DELETE/.test(status) || missing.length > 0) {
      return problem(
        'stack',
        `stack ${name} is ${status}${missing.length > 0 ? `, missing outputs ${missing.join(', ')}` : ''}`,
        `deploy it again: ${deploy}`,
      );
    }
    const shown = REQUIRED_OUTPUTS.map((key) => `${key}=${outputs[key]}`).join(', ');
    return { check: 'stack', ok: true, detail: `${name} ${status}: ${shown}` };
  } catch (error) {
    return problem('stack', `stack ${name} not found (${messageOf(error)})`, `deploy it: ${deploy}`);
  }
};

/** Every check, in order; those that need AWS are skipped when the region or credentials are missing. */
export const runDoctor = async (
  options: DoctorOptions,
  setup: AwsSetup | AwsSetupError,
  clientsFor: (setup: AwsSetup) => DoctorClients,
): Promise<CheckResult[]> => {
  if (setup instanceof AwsSetupError) return [problem(setup.setting, setup.detail, setup.fix)];
  const clients = clientsFor(setup);
  const credentials = await credentialsCheck(clients);
  const results = [regionCheck(setup.region), credentials];
  if (!credentials.ok) return results;
  results.push(
    await workforceCheck(clients, setup.region),
    await groundTruthCheck(clients),
    await rekognitionCheck(clients),
    await stackCheck(clients, options.stage, setup.region),
  );
  return results;
};

export const formatChecks = (results: CheckResult[]): string =>
  results
    .map((r) => {
      const head = `${r.ok ? 'ok     ' : 'problem'}  ${r.check}: ${r.detail}`;
      return r.fix === undefined ? head : `${head}\n         ${r.ok ? 'next' : 'fix'}: ${r.fix}`;
    })
    .join('\n');

const sdkClients = (setup: AwsSetup): DoctorClients => ({
  sts: new STSClient(setup),
  sageMaker: new SageMakerClient(setup),
  rekognition: new RekognitionClient(setup),
  cloudFormation: new CloudFormationClient(setup),
});

export const registerDoctor = (program: Command): void => {
  program
    .command('doctor')
    .description(
      'check this machine and AWS account before deploying: region, credentials, an existing workforce, Ground Truth and Rekognition access, the deployed stack',
    )
    .option('--stage <stage>', 'the stage whose stack to check', 'dev')
    .option('--region <region>', 'the AWS region to check (default: AWS_REGION or your profile)')
    .addHelpText(
      'after',
      `\nExits 1 when any check finds a problem; each problem says how to fix it.\n${AWS_SETUP_HELP}`,
    )
    .action(async (options: DoctorOptions) => {
      const setup = await resolveAwsSetup(options.region).catch((error: unknown) => {
        if (error instanceof AwsSetupError) return error;
        throw error;
      });
      const results = await runDoctor(options, setup, sdkClients);
      process.stdout.write(`${formatChecks(results)}\n`);
      process.exitCode = results.every((r) => r.ok) ? 0 : 1;
    });
};
