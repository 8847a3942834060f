import { SFNClient } from '@aws-sdk/client-sfn';

type AwsCredentialIdentity = Awaited<ReturnType<SFNClient['config']['credentials']>>;

/**
 * What the CLI's AWS commands need before their first call: a region and credentials, found the
 * way the SDK finds them (`--region`, then AWS_REGION, then the profile). When one is missing the
 * command says which, and how to set it, instead of the SDK's "Region is missing".
 */
export interface AwsSetup {
  region: string;
  credentials: AwsCredentialIdentity;
}

/** Setup that is missing or wrong: which setting, what is wrong, and how to fix it (also the message). */
export class AwsSetupError extends Error {
  override readonly name = 'AwsSetupError';
  constructor(
    readonly setting: 'region' | 'credentials',
    readonly detail: string,
    readonly fix: string,
  ) {
    super(`${detail}. ${fix}`);
  }
}

export const REGION_HELP =
  'Pass --region <region> (for example --region us-east-1), set AWS_REGION=us-east-1, or save one in your profile: aws configure set region us-east-1';

export const CREDENTIALS_HELP =
  'Sign in with `aws configure` (access keys) or `aws sso login --profile <name>` and set AWS_PROFILE=<name>; or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';

/** Text for `--help`: where the AWS commands take their region and credentials from. */
export const AWS_SETUP_HELP = `
AWS setup: the region comes from --region, else AWS_REGION, else your AWS profile's region;
credentials from the SDK's usual chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE with
\`aws configure\` or \`aws sso login\`, or the instance or container role).
Run \`labeling-pipeline doctor\` to check both, and the account, before deploying or starting a run.`;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Resolves the region and credentials, or throws `AwsSetupError` naming what is missing and how to set it. */
export const resolveAwsSetup = async (region?: string): Promise<AwsSetup> => {
  // Any client resolves region and credentials through the same provider chains; none is called.
  const probe = new SFNClient(region === undefined ? {} : { region });
  try {
    let resolvedRegion: string;
    try {
      resolvedRegion = await probe.config.region();
    } catch (error) {
      throw new AwsSetupError('region', `no AWS region is set (${messageOf(error)})`, REGION_HELP);
    }
    if (!resolvedRegion) throw new AwsSetupError('region', 'no AWS region is set', REGION_HELP);
    try {
      return { region: resolvedRegion, credentials: await probe.config.credentials() };
    } catch (error) {
      throw new AwsSetupError('credentials', `no AWS credentials found (${messageOf(error)})`, CREDENTIALS_HELP);
    }
  } finally {
    probe.destroy();
  }
};

const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
]);

/** An SDK error in words a user can act on; other errors keep their own message. */
export const explainAwsError = (error: unknown): Error => {
  if (error instanceof AwsSetupError || !(error instanceof Error)) return error as Error;
  if (REJECTED_CREDENTIALS.has(error.name)) {
    return new AwsSetupError(
      'credentials',
      `AWS rejected your credentials (${error.name}: ${error.message})`,
      CREDENTIALS_HELP,
    );
  }
  if (/Region is missing/.test(error.message)) return new AwsSetupError('region', 'no AWS region is set', REGION_HELP);
  if (/Could not load credentials/.test(error.message)) {
    return new AwsSetupError('credentials', 'no AWS credentials found', CREDENTIALS_HELP);
  }
  return error;
};
