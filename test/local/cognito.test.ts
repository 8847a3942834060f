import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  CognitoIdentityProviderClient,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  InvalidPasswordException,
  ListUsersCommand,
  NotAuthorizedException,
  ResourceNotFoundException,
  RespondToAuthChallengeCommand,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { type RunningCognito, startCognito } from '../../local-runtime/stand-ins/cognito';

describe('Cognito stand-in', () => {
  let cognito: RunningCognito;
  let client: CognitoIdentityProviderClient;
  let pool: { UserPoolId: string };
  beforeAll(async () => {
    cognito = await startCognito();
    client = new CognitoIdentityProviderClient({
      endpoint: cognito.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    pool = { UserPoolId: cognito.standIn.userPoolId };
  });
  afterAll(async () => {
    client.destroy();
    await cognito.stop();
  });

  const signIn = (USERNAME: string, PASSWORD: string) =>
    client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: cognito.standIn.clientId,
        AuthParameters: { USERNAME, PASSWORD },
      }),
    );

  it('invites a user, asks for a new password at first sign-in, then issues tokens the JWKS verifies', async () => {
    const created = await client.send(
      new AdminCreateUserCommand({
        ...pool,
        Username: 'ana@example.com',
        UserAttributes: [{ Name: 'email', Value: 'ana@example.com' }],
      }),
    );
    expect(created.User?.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    const invitation = cognito.standIn.invitations.find((i) => i.email === 'ana@example.com');
    expect(invitation).toBeDefined();
    await expect(signIn('ana@example.com', 'wrong-Password-1!')).rejects.toBeInstanceOf(NotAuthorizedException);

    const challenge = await signIn('ana@example.com', invitation?.temporaryPassword ?? '');
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const respond = (NEW_PASSWORD: string) =>
      client.send(
        new RespondToAuthChallengeCommand({
          ClientId: cognito.standIn.clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: challenge.Session,
          ChallengeResponses: { USERNAME: 'ana@example.com', NEW_PASSWORD },
        }),
      );
    await expect(respond('short1!A')).rejects.toBeInstanceOf(InvalidPasswordException);
    await expect(respond('longenoughbutnosymbol1A')).rejects.toThrow('symbol');
    const answered = await respond('A-new-password-123');
    const idToken = answered.AuthenticationResult?.IdToken ?? '';

    const response = await fetch(`${cognito.standIn.issuer}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const verifier = JwtRsaVerifier.create({
      issuer: cognito.standIn.issuer,
      audience: cognito.standIn.clientId,
      jwksUri: `${cognito.standIn.issuer}/.well-known/jwks.json`,
    });
    // aws-jwt-verify fetches only over https: hand it the JWKS the endpoint published.
    verifier.cacheJwks((await response.json()) as Parameters<typeof verifier.cacheJwks>[0]);
    const claims = await verifier.verify(idToken);
    expect(claims).toMatchObject({ email: 'ana@example.com', token_use: 'id', sub: created.User?.Username });

    const again = await signIn('ana@example.com', 'A-new-password-123');
    expect(again.AuthenticationResult?.AccessToken).toBeDefined();
    const refreshed = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: cognito.standIn.clientId,
        AuthParameters: { REFRESH_TOKEN: again.AuthenticationResult?.RefreshToken ?? '' },
      }),
    );
    expect(refreshed.AuthenticationResult?.IdToken).toBeDefined();
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();

    await client.send(new GlobalSignOutCommand({ AccessToken: again.AuthenticationResult?.AccessToken }));
    await expect(
      client.send(
        new InitiateAuthCommand({
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: cognito.standIn.clientId,
          AuthParameters: { REFRESH_TOKEN: again.AuthenticationResult?.RefreshToken ?? '' },
        }),
      ),
    ).rejects.toBeInstanceOf(NotAuthorizedException);
  });

  it('manages groups, lists and deletes users', async () => {
    const user = cognito.standIn.createUser({ email: 'bo@example.com' });
    await expect(
      client.send(new AdminCreateUserCommand({ ...pool, Username: 'bo@example.com' })),
    ).rejects.toBeInstanceOf(UsernameExistsException);
    await client.send(new AdminAddUserToGroupCommand({ ...pool, Username: 'bo@example.com', GroupName: 'admins' }));
    await expect(
      client.send(new AdminAddUserToGroupCommand({ ...pool, Username: 'bo@example.com', GroupName: 'nope' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const groups = await client.send(new AdminListGroupsForUserCommand({ ...pool, Username: 'bo@example.com' }));
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['admins']);

    const tokens = await signIn('bo@example.com', user.password);
    const payload = JSON.parse(
      Buffer.from((tokens.AuthenticationResult?.IdToken ?? '').split('.')[1] ?? '', 'base64url').toString(),
    );
    expect(payload['cognito:groups']).toEqual(['admins']);

    await client.send(
      new AdminRemoveUserFromGroupCommand({ ...pool, Username: 'bo@example.com', GroupName: 'admins' }),
    );
    expect(cognito.standIn.listGroupsOf('bo@example.com')).toEqual([]);
    const got = await client.send(new AdminGetUserCommand({ ...pool, Username: 'bo@example.com' }));
    expect(got.UserStatus).toBe('CONFIRMED');
    const listed = await client.send(new ListUsersCommand({ ...pool, Filter: 'email = "bo@example.com"' }));
    expect(listed.Users?.map((u) => u.Username)).toEqual([user.sub]);
    const paged = await client.send(new ListUsersCommand({ ...pool, Limit: 1 }));
    expect(paged.Users).toHaveLength(1);
    expect(paged.PaginationToken).toBeDefined();

    await client.send(new AdminDeleteUserCommand({ ...pool, Username: 'bo@example.com' }));
    await expect(client.send(new AdminGetUserCommand({ ...pool, Username: 'bo@example.com' }))).rejects.toBeInstanceOf(
      UserNotFoundException,
    );
  });

  it('answers a browser preflight with CORS headers', async () => {
    const response = await fetch(cognito.endpoint, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:1' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('x-amz-target');
  });
});
