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
  GroupExistsException,
  ListUsersCommand,
  ResourceNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { closeJob, formatJobs, listJobs } from '../../cli/commands/jobs';
import { addLabeler, builtinOutputs, formatLabelers, listLabelers, removeLabeler } from '../../cli/commands/labelers';

const cognito = mockClient(CognitoIdentityProviderClient);
const cfn = mockClient(CloudFormationClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const events = mockClient(EventBridgeClient);
const POOL = 'us-east-1_Pool';

/**
 * The pool's groups as Cognito keeps them: GetGroup and AdminAddUserToGroup answer
 * ResourceNotFoundException ("Group not found.") for a group the pool lacks, CreateGroup
 * GroupExistsException for one it has. The stack's template creates only `admins`.
 */
const poolGroups = (groups = new Set(['admins'])) => {
  const notFound = () => new ResourceNotFoundException({ message: 'Group not found.', $metadata: {} });
  cognito.on(GetGroupCommand).callsFake(({ GroupName }: { GroupName: string }) => {
    if (!groups.has(GroupName)) throw notFound();
    return { Group: { GroupName, UserPoolId: POOL } };
  });
  cognito.on(CreateGroupCommand).callsFake(({ GroupName }: { GroupName: string }) => {
    if (groups.has(GroupName))
      throw new GroupExistsException({ message: 'A group with the name already exists.', $metadata: {} });
    groups.add(GroupName);
    return { Group: { GroupName, UserPoolId: POOL } };
  });
  cognito.on(AdminAddUserToGroupCommand).callsFake(({ GroupName }: { GroupName: string }) => {
    if (!groups.has(GroupName)) throw notFound();
    return {};
  });
  return groups;
};

beforeEach(() => {
  cognito.reset();
  cfn.reset();
  dynamo.reset();
  events.reset();
});

describe('stack outputs', () => {
  it("reads the pool id and table name from the stage's stack, and names a missing output", async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'labeling-pipeline-prod' }).resolves({
      Stacks: [
        {
          StackName: 'labeling-pipeline-prod',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'LabelersUserPoolId', OutputValue: POOL },
            { OutputKey: 'PortalUrl', OutputValue: 'https://d1.cloudfront.net' },
          ],
        },
      ],
    });

    const outputs = await builtinOutputs(new CloudFormationClient({}), 'prod');

    expect(outputs.userPoolId()).toBe(POOL);
    expect(outputs.portalUrl).toBe('https://d1.cloudfront.net');
    expect(() => outputs.tableName()).toThrow('no LabelingTableName output');
  });
});

describe('labelers', () => {
  it('invites by email with a verified address, and adds admins to the admins group', async () => {
    cognito.on(AdminCreateUserCommand).resolves({});
    poolGroups();

    await expect(
      addLabeler(new CognitoIdentityProviderClient({}), POOL, 'ana@example.com', { admin: true }),
    ).resolves.toEqual({
      invited: true,
      groups: ['admins'],
      createdGroups: [],
    });
    expect(cognito).not.toHaveReceivedCommand(CreateGroupCommand);
    expect(cognito).toHaveReceivedCommandWith(AdminCreateUserCommand, {
      UserPoolId: POOL,
      Username: 'ana@example.com',
      DesiredDeliveryMediums: ['EMAIL'],
      UserAttributes: [
        { Name: 'email', Value: 'ana@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    expect(cognito).toHaveReceivedCommandWith(AdminAddUserToGroupCommand, {
      Username: 'ana@example.com',
      GroupName: 'admins',
    });
  });

  it('does not invite someone twice, and refuses what is not an email', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    poolGroups(new Set(['admins', 'team-a']));

    await expect(
      addLabeler(new CognitoIdentityProviderClient({}), POOL, 'bo@example.com', { group: 'team-a' }),
    ).resolves.toEqual({
      invited: false,
      groups: ['team-a'],
      createdGroups: [],
    });
    await expect(addLabeler(new CognitoIdentityProviderClient({}), POOL, 'not-an-email')).rejects.toThrow(
      'not an email',
    );
  });

  it("creates a labeler group the pool does not have yet (the README's --group team-a), before inviting", async () => {
    cognito.on(AdminCreateUserCommand).resolves({});
    const groups = poolGroups();

    await expect(
      addLabeler(new CognitoIdentityProviderClient({}), POOL, 'cy@example.com', { group: 'team-a' }),
    ).resolves.toEqual({ invited: true, groups: ['team-a'], createdGroups: ['team-a'] });

    expect(groups.has('team-a')).toBe(true);
    expect(cognito).toHaveReceivedCommandWith(CreateGroupCommand, { UserPoolId: POOL, GroupName: 'team-a' });
    expect(cognito).toHaveReceivedCommandWith(AdminAddUserToGroupCommand, {
      Username: 'cy@example.com',
      GroupName: 'team-a',
    });
    const calls = cognito.calls().map((call) => call.args[0].constructor.name);
    expect(calls.indexOf('CreateGroupCommand')).toBeLessThan(calls.indexOf('AdminCreateUserCommand'));
  });

  it('invites nobody when the group cannot be made, and refuses a name Cognito would not take', async () => {
    cognito.on(GetGroupCommand).rejects(new ResourceNotFoundException({ message: 'Group not found.', $metadata: {} }));
    cognito.on(CreateGroupCommand).rejects(Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }));

    await expect(
      addLabeler(new CognitoIdentityProviderClient({}), POOL, 'di@example.com', { group: 'team-b' }),
    ).rejects.toThrow('not allowed');
    await expect(
      addLabeler(new CognitoIdentityProviderClient({}), POOL, 'di@example.com', { group: 'team b' }),
    ).rejects.toThrow('"team b" is not a group name');
    expect(cognito).not.toHaveReceivedCommand(AdminCreateUserCommand);
  });

  it('lists every page of labelers with their groups, and removes one', async () => {
    cognito
      .on(ListUsersCommand)
      .resolvesOnce({
        Users: [
          {
            Username: 'u2',
            UserStatus: 'CONFIRMED',
            Enabled: true,
            Attributes: [{ Name: 'email', Value: 'zed@example.com' }],
          },
        ],
        PaginationToken: 'next',
      })
      .resolvesOnce({
        Users: [
          {
            Username: 'u1',
            UserStatus: 'FORCE_CHANGE_PASSWORD',
            Enabled: true,
            Attributes: [{ Name: 'email', Value: 'ana@example.com' }],
          },
        ],
      });
    cognito.on(AdminListGroupsForUserCommand, { Username: 'u1' }).resolves({ Groups: [{ GroupName: 'admins' }] });
    cognito.on(AdminListGroupsForUserCommand, { Username: 'u2' }).resolves({ Groups: [] });
    cognito.on(AdminDeleteUserCommand).resolves({});

    const labelers = await listLabelers(new CognitoIdentityProviderClient({}), POOL);

    expect(labelers).toEqual([
      { email: 'ana@example.com', status: 'FORCE_CHANGE_PASSWORD', enabled: true, groups: ['admins'] },
      { email: 'zed@example.com', status: 'CONFIRMED', enabled: true, groups: [] },
    ]);
    expect(formatLabelers(labelers)).toBe(
      'ana@example.com  FORCE_CHANGE_PASSWORD  admins\nzed@example.com  CONFIRMED  -',
    );
    cognito.on(AdminGetUserCommand).resolves({ Username: 'u2', UserAttributes: [{ Name: 'sub', Value: 'sub-zed' }] });
    dynamo.on(PutCommand).resolves({});
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const now = new Date('2026-12-07T10:00:00.500Z');

    await removeLabeler(
      new CognitoIdentityProviderClient({}),
      POOL,
      'zed@example.com',
      { documents, tableName: 'T' },
      now,
    );

    expect(dynamo).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'T',
      Item: { pk: 'REVOKED#sub-zed', sk: 'REVOKED', sub: 'sub-zed', revokedAt: 1796637600, reason: 'removed' },
    });
    expect(cognito).toHaveReceivedCommandWith(AdminDeleteUserCommand, {
      UserPoolId: POOL,
      Username: 'zed@example.com',
    });
    // The revocation is written before the user goes, so a failed deletion still ends the sessions.
    const [revoked] = dynamo.commandCalls(PutCommand);
    const [deleted] = cognito.commandCalls(AdminDeleteUserCommand);
    expect(revoked && deleted && revoked.calledBefore(deleted)).toBe(true);
  });
});

const job = (jobId: string, status: string) => ({
  pk: `JOB#${jobId}`,
  sk: 'JOB',
  jobId,
  status,
  imageCount: 10,
  workersPerObject: 3,
  imagesComplete: 4,
  answersReceived: 15,
  expiresAt: '2026-12-31T00:00:00.000Z',
});

describe('jobs', () => {
  it('lists open jobs with their progress, every page', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [job('logos-b', 'open'), job('logos-old', 'completed')], LastEvaluatedKey: { pk: 'x' } })
      .resolvesOnce({ Items: [{ ...job('logos-a', 'open'), labelerGroup: 'team-a' }] });

    const jobs = await listJobs(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'table');

    expect(jobs.map((j) => j.jobId)).toEqual(['logos-b', 'logos-a']);
    expect(formatJobs(jobs)).toContain(
      'logos-b  open  images 4/10  answers 15/30 (50%)  expires 2026-12-31T00:00:00.000Z',
    );
    expect(formatJobs(jobs)).toContain('group team-a');
    expect(dynamo).toHaveReceivedCommandWith(QueryCommand, { TableName: 'table', IndexName: 'JobsIndex' });
  });

  it('closes an open job by the ready event, and refuses an unknown or ended one', async () => {
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    dynamo.on(GetCommand, { Key: { pk: 'JOB#logos-a', sk: 'JOB' } }).resolves({ Item: job('logos-a', 'open') });
    dynamo
      .on(GetCommand, { Key: { pk: 'JOB#logos-done', sk: 'JOB' } })
      .resolves({ Item: job('logos-done', 'completed') });
    dynamo.on(GetCommand, { Key: { pk: 'JOB#nope', sk: 'JOB' } }).resolves({});

    await closeJob(documents, new EventBridgeClient({}), 'table', 'logos-a');
    expect(events).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        {
          Source: 'labeling-pipeline.builtin',
          DetailType: 'Built-in Labeling Job Ready',
          Detail: JSON.stringify({ jobId: 'logos-a', reason: 'closed' }),
        },
      ],
    });
    await expect(closeJob(documents, new EventBridgeClient({}), 'table', 'logos-done')).rejects.toThrow(
      'already completed',
    );
    await expect(closeJob(documents, new EventBridgeClient({}), 'table', 'nope')).rejects.toThrow(
      'no built-in job nope',
    );
  });
});
