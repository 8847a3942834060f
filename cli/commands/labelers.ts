import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  GetGroupCommand,
  ListUsersCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { revocationOf } from '../../functions/labeling/builtin/contracts/table-items';
import { AWS_SETUP_HELP, type AwsSetup, explainAwsError, resolveAwsSetup } from '../aws-setup';
import { regionOption } from '../region-name';

/** The stack `osls deploy --stage <stage>` creates (serverless: `<service>-<stage>`). */
export const stackNameOf = (stage: string): string => `labeling-pipeline-${stage}`;

/** The built-in backend's stack outputs (infra/builtin-labeling.yml). */
export const builtinOutputs = async (cloudFormation: CloudFormationClient, stage: string) => {
  const stackName = stackNameOf(stage);
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = new Map((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  const need = (key: string): string => {
    const value = outputs.get(key);
    if (!value) throw new Error(`stack ${stackName} has no ${key} output: deploy this version of the stack first`);
    return value;
  };
  return {
    userPoolId: () => need('LabelersUserPoolId'),
    tableName: () => need('LabelingTableName'),
    portalUrl: outputs.get('PortalUrl'),
  };
};

export const ADMIN_GROUP = 'admins';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface Labeler {
  email: string;
  status: string;
  enabled: boolean;
  groups: string[];
}

const emailOf = (user: UserType): string =>
  user.Attributes?.find((a) => a.Name === 'email')?.Value ?? user.Username ?? '';

const isNamed = (error: unknown, name: string): boolean => error instanceof Error && error.name === name;

/** A labeler group name as Cognito takes it (GroupName: 1-128 characters, no control characters). */
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

/**
 * Makes sure each group exists, creating those that do not: batch.json's `labelerGroup` names a
 * group no template declares (only `admins` is). Returns the groups it created.
 */
export const ensureGroups = async (
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  groups: readonly string[],
): Promise<string[]> => {
  const created: string[] = [];
  for (const GroupName of groups) {
    if (!GROUP_NAME.test(GroupName))
      throw new Error(`"${GroupName}" is not a group name (1-128 characters, no spaces)`);
    try {
      await cognito.send(new GetGroupCommand({ UserPoolId: userPoolId, GroupName }));
      continue;
    } catch (error) {
      if (!isNamed(error, 'ResourceNotFoundException')) throw error;
    }
    try {
      await cognito.send(
        new CreateGroupCommand({
          UserPoolId: userPoolId,
          GroupName,
          Description: 'labelers of the jobs whose batch.json names this labelerGroup',
        }),
      );
      created.push(GroupName);
    } catch (error) {
      // Created by someone else since GetGroup: it exists, which is all that is needed.
      if (!isNamed(error, 'GroupExistsException')) throw error;
    }
  }
  return created;
};

/**
 * Invites a labeler: Cognito emails them a temporary password (the pool's invitation), which they
 * replace at first sign-in. An existing labeler is not invited twice; `admin` adds them to `admins`,
 * `group` to that group, created first when the pool has none of that name, so a failure there
 * leaves no invitation behind.
 */
export const addLabeler = async (
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
  options: { admin?: boolean; group?: string } = {},
): Promise<{ invited: boolean; groups: string[]; createdGroups: string[] }> => {
  if (!EMAIL.test(email)) throw new Error(`"${email}" is not an email address`);
  const groups = [...(options.admin ? [ADMIN_GROUP] : []), ...(options.group ? [options.group] : [])];
  const createdGroups = await ensureGroups(cognito, userPoolId, groups);
  let invited = true;
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
  } catch (error) {
    if (!isNamed(error, 'UsernameExistsException')) throw error;
    invited = false;
  }
  for (const GroupName of groups) {
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName }));
  }
  return { invited, groups, createdGroups };
};

export const listLabelers = async (cognito: CognitoIdentityProviderClient, userPoolId: string): Promise<Labeler[]> => {
  const labelers: Labeler[] = [];
  let PaginationToken: string | undefined;
  do {
    const page = await cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, PaginationToken }));
    for (const user of page.Users ?? []) {
      const groups = await cognito.send(
        new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: user.Username ?? '' }),
      );
      labelers.push({
        email: emailOf(user),
        status: user.UserStatus ?? 'UNKNOWN',
        enabled: user.Enabled ?? true,
        groups: (groups.Groups ?? []).map((g) => g.GroupName ?? '').filter((g) => g !== ''),
      });
    }
    PaginationToken = page.PaginationToken;
  } while (PaginationToken);
  return labelers.sort((a, b) => a.email.localeCompare(b.email));
};

/** Where `labelers remove` records that a labeler's sessions ended: the built-in backend's table. */
export interface Revocations {
  documents: DynamoDBDocumentClient;
  tableName: string;
}

/**
 * Removes a labeler's sign-in and ends their sessions at once: a revocation record first (the API
 * refuses their tokens from then on, though a JWT stays valid until it expires), then the Cognito
 * user. Their answers stay in the job and its output: nothing they drew is deleted.
 */
export const removeLabeler = async (
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
  revocations: Revocations,
  now = new Date(),
): Promise<{ sub: string }> => {
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
  const sub = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value ?? user.Username;
  if (!sub) throw new Error(`Cognito returned no sub for ${email}`);
  await revocations.documents.send(
    new PutCommand({ TableName: revocations.tableName, Item: revocationOf(sub, now, 'removed') }),
  );
  await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: email }));
  return { sub };
};

export const formatLabelers = (labelers: Labeler[]): string =>
  labelers.length === 0
    ? 'no labelers yet: invite one with `labeling-pipeline labelers add <email>`'
    : labelers
        .map((l) => `${l.email}  ${l.status}${l.enabled ? '' : ' (disabled)'}  ${l.groups.join(',') || '-'}`)
        .join('\n');

/** The stack's outputs and a Cognito client, in the region `--region` (or the environment) names. */
const connect = async (options: { stage: string; region?: string }) => {
  const setup: AwsSetup = await resolveAwsSetup(options.region);
  const outputs = await builtinOutputs(new CloudFormationClient(setup), options.stage).catch((error: unknown) => {
    throw explainAwsError(error);
  });
  return { cognito: new CognitoIdentityProviderClient(setup), outputs, setup };
};

interface StackOptions {
  stage: string;
  region?: string;
}

const addAction = async (email: string, options: StackOptions & { admin?: boolean; group?: string }) => {
  const { cognito, outputs } = await connect(options);
  const added = await addLabeler(cognito, outputs.userPoolId(), email, options);
  for (const group of added.createdGroups) process.stdout.write(`created group ${group}\n`);
  const groups = added.groups.length > 0 ? ` (groups: ${added.groups.join(', ')})` : '';
  process.stdout.write(`${added.invited ? 'invited' : 'already a labeler:'} ${email}${groups}\n`);
  if (outputs.portalUrl) process.stdout.write(`portal: ${outputs.portalUrl}\n`);
};

export const registerLabelers = (program: Command): void => {
  const labelers = program
    .command('labelers')
    .description("manage the built-in backend's labelers (Cognito users of the stack's LabelersUserPool)");
  labelers
    .command('add')
    .description('invite a labeler by email (Cognito sends the temporary password)')
    .argument('<email>')
    .option('--admin', 'also make them an admin (see every job, close jobs, review)')
    .option('--group <group>', 'also add them to this labeler group (batch.json labelerGroup), created if it is new')
    .option('--stage <stage>', 'stack stage', 'dev')
    .addOption(regionOption())
    .action(addAction);
  labelers
    .command('list')
    .description('list labelers with their status and groups')
    .option('--stage <stage>', 'stack stage', 'dev')
    .addOption(regionOption())
    .action(async (options: StackOptions) => {
      const { cognito, outputs } = await connect(options);
      process.stdout.write(`${formatLabelers(await listLabelers(cognito, outputs.userPoolId()))}\n`);
    });
  labelers
    .command('remove')
    .description("remove a labeler's sign-in and end their sessions at once (their answers stay)")
    .argument('<email>')
    .option('--stage <stage>', 'stack stage', 'dev')
    .addOption(regionOption())
    .action(async (email: string, options: StackOptions) => {
      const { cognito, outputs, setup } = await connect(options);
      const documents = DynamoDBDocumentClient.from(new DynamoDBClient(setup));
      await removeLabeler(cognito, outputs.userPoolId(), email, { documents, tableName: outputs.tableName() });
      process.stdout.write(`removed ${email}; their sessions ended now\n`);
    });
  for (const command of labelers.commands) command.addHelpText('after', AWS_SETUP_HELP);
};
