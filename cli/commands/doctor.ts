import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeProjectsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import {
  ListLabelingJobsCommand,
  ListWorkforcesCommand,
  ListWorkteamsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type Command, Option } from 'commander';
import {
  CUSTOM_LABELS_REGIONS,
  isCustomLabelsRegion,
} from '../../functions/labeling/builtin/contracts/builtin-regions';
import {
  groundTruthRegionNames,
  isGroundTruthRegion,
} from '../../functions/labeling/ground-truth/contracts/ground-truth-regions';
import { AWS_SETUP_HELP, type AwsSetup, AwsSetupError, CREDENTIALS_HELP, resolveAwsSetup } from '../aws-setup';
import { regionOption } from '../region-name';

export interface CheckResult {
  check: string;
  /** False for a problem, which makes doctor exit 1; true for an ok check or a note. */
  ok: boolean;
  /** Something to know that is not a problem (e.g. a stack not deployed yet). */
  note?: boolean;
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

/** The stage parameter `labelingBackend` (serverless.yml): who labels the stack's runs. */
export const BACKENDS = ['builtin', 'ground-truth'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface DoctorOptions {
  stage: string;
  region?: string;
  /** The backend the stack is (or will be) deployed with; `builtin` when not given, as serverless.yml's default. */
  backend?: Backend;
}

/** The stack outputs a run needs (infra/storage.yml, infra/alarms.yml), and the built-in backend's (infra/builtin-labeling.yml). */
const REQUIRED_OUTPUTS = ['DataBucketName', 'StateMachineArn', 'LabelingExecutionRoleArn', 'AlarmTopicArn'];
const BUILTIN_OUTPUTS = ['LabelersUserPoolId', 'LabelingTableName', 'PortalUrl', 'WebBucketName'];

const problem = (check: string, detail: string, fix: string): CheckResult => ({ check, ok: false, detail, fix });
const note = (check: string, detail: string, fix: string): CheckResult => ({
  check,
  ok: true,
  note: true,
  detail,
  fix,
});
const nameOf = (error: unknown) => (error instanceof Error ? error.name : 'Error');
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const denied = (error: unknown) => /AccessDenied|NotAuthorized|UnauthorizedOperation/.test(nameOf(error));

/**
 * Every run ends in a Rekognition Custom Labels dataset, so the region must have Custom Labels;
 * the Ground Truth backend also needs Ground Truth's bounding-box functions there. ca-central-1
 * has those but no Custom Labels: a Ground Truth stack packages there, and its dataset step fails.
 */
const regionCheck = (region: string, backend: Backend): CheckResult => {
  if (backend === 'ground-truth' && !isGroundTruthRegion(region)) {
    return problem(
      'region',
      `${region} has no Ground Truth bounding-box functions, so the stack cannot be packaged there`,
      `use one of ${groundTruthRegionNames().filter(isCustomLabelsRegion).join(', ')}: --region us-east-1`,
    );
  }
  if (!isCustomLabelsRegion(region)) {
    const gt =
      backend === 'ground-truth' ? ' (Ground Truth is there: the stack packages, and the dataset step fails)' : '';
    const choices =
      backend === 'ground-truth' ? groundTruthRegionNames().filter(isCustomLabelsRegion) : CUSTOM_LABELS_REGIONS;
    return problem(
      'region',
      `${region} has no Rekognition Custom Labels, where every run's dataset goes${gt}`,
      `use one of ${choices.join(', ')}: --region us-east-1`,
    );
  }
  const what = backend === 'ground-truth' ? "Ground Truth's bounding-box functions and " : '';
  return { check: 'region', ok: true, detail: `${region} has ${what}Rekognition Custom Labels` };
};

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

const GROUND_TRUTH_CLOSED =
  'Ground Truth is closed to new customers since 2026: use an account that already has it, or grant your role sagemaker:ListLabelingJobs and sagemaker:CreateLabelingJob';

/** Ground Truth is the `ground-truth` backend's need only: on the built-in backend its absence is a note. */
const groundTruthCheck = async ({ sageMaker }: DoctorClients, backend: Backend): Promise<CheckResult> => {
  try {
    await sageMaker.send(new ListLabelingJobsCommand({ MaxResults: 1 }));
    return { check: 'ground truth', ok: true, detail: 'this account may use SageMaker Ground Truth labeling jobs' };
  } catch (error) {
    const detail = `ListLabelingJobs failed (${nameOf(error)}: ${messageOf(error)})`;
    if (backend === 'builtin') {
      return note(
        'ground truth',
        `${detail}: not needed, the built-in backend labels`,
        'keep batches on the built-in backend (no batch.json "backend": "ground-truth")',
      );
    }
    return problem('ground truth', detail, denied(error) ? GROUND_TRUTH_CLOSED : 'check the region and try again');
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

const deployCommand = (stage: string, region: string, backend: Backend): string =>
  backend === 'builtin'
    ? `npx osls deploy --stage ${stage} --region ${region}`
    : `npx osls deploy --stage ${stage} --region ${region} --param labelingBackend=ground-truth --param "workteamArn=..." (or createWorkforce=true)`;

/** A stage without a stack is not deployed yet (a note); a stack that failed or lacks outputs is a problem. */
const stackCheck = async (
  { cloudFormation }: DoctorClients,
  stage: string,
  region: string,
  backend: Backend,
): Promise<CheckResult> => {
  const name = `labeling-pipeline-${stage}`;
  const deploy = deployCommand(stage, region, backend);
  let stack: Awaited<ReturnType<typeof describeStack>>;
  try {
    stack = await describeStack(cloudFormation, name);
  } catch (error) {
    if (/does not exist/.test(messageOf(error))) {
      return note('stack', `stack ${name} is not deployed yet (${messageOf(error)})`, `deploy it: ${deploy}`);
    }
    return problem(
      'stack',
      `cannot read stack ${name} (${nameOf(error)}: ${messageOf(error)})`,
      'allow cloudformation:DescribeStacks to your role',
    );
  }
  const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  const required = backend === 'builtin' ? [...REQUIRED_OUTPUTS, ...BUILTIN_OUTPUTS] : REQUIRED_OUTPUTS;
  const missing = required.filter((key) => !outputs[key]);
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
};

const describeStack = async (cloudFormation: CloudFormationClient, StackName: string) =>
  (await cloudFormation.send(new DescribeStacksCommand({ StackName }))).Stacks?.[0];

/** Every check, in order; those that need AWS are skipped when the region or credentials are missing. */
export const runDoctor = async (
  options: DoctorOptions,
  setup: AwsSetup | AwsSetupError,
  clientsFor: (setup: AwsSetup) => DoctorClients,
): Promise<CheckResult[]> => {
  if (setup instanceof AwsSetupError) return [problem(setup.setting, setup.detail, setup.fix)];
  const backend = options.backend ?? 'builtin';
  const clients = clientsFor(setup);
  const credentials = await credentialsCheck(clients);
  const results = [regionCheck(setup.region, backend), credentials];
  if (!credentials.ok) return results;
  // A workforce is what a Ground Truth job is sent to; the built-in backend has its own labelers.
  if (backend === 'ground-truth') results.push(await workforceCheck(clients, setup.region));
  results.push(
    await groundTruthCheck(clients, backend),
    await rekognitionCheck(clients),
    await stackCheck(clients, options.stage, setup.region, backend),
  );
  return results;
};

export const formatChecks = (results: CheckResult[]): string =>
  results
    .map((r) => {
      const head = `${r.ok ? (r.note ? 'note   ' : 'ok     ') : 'problem'}  ${r.check}: ${r.detail}`;
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
      'check this machine and AWS account before deploying: region, credentials, Rekognition access, the deployed stack; for the Ground Truth backend also an existing workforce and Ground Truth access',
    )
    .option('--stage <stage>', 'the stage whose stack to check', 'dev')
    .addOption(
      new Option('--backend <backend>', 'the labelingBackend the stack is deployed with')
        .choices(BACKENDS)
        .default('builtin'),
    )
    .addOption(regionOption('the AWS region to check (default: AWS_REGION or your profile)'))
    .addHelpText(
      'after',
      `\nExits 1 when any check finds a problem; each problem says how to fix it. A note (such as a stack not deployed yet) is not a problem.\n${AWS_SETUP_HELP}`,
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
