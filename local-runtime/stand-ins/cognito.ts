import { createSign, generateKeyPairSync, type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { LOCAL_USER_POOL_CLIENT_ID, LOCAL_USER_POOL_ID } from '../stack/local-environment';
import { type ApiServerOptions, type RunningApiServer, startAwsApiServer } from './aws-api-server';
import {
  epochSeconds,
  type JsonObject,
  optionalString,
  requireObject,
  requireString,
  ServiceError,
  type StandInService,
} from './json-protocol';

export const LOCAL_ADMIN_GROUP = 'admins';
/** Token lifetimes of the deployed app client (Cognito's defaults: one hour; refresh 30 days). */
const TOKEN_SECONDS = 3600;

type UserStatus = 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';

interface User {
  sub: string;
  email: string;
  password: string;
  status: UserStatus;
  enabled: boolean;
  groups: Set<string>;
  created: Date;
  modified: Date;
}

/** An invitation Cognito would e-mail: locally the CLI and tests read the temporary password here. */
export interface Invitation {
  email: string;
  temporaryPassword: string;
}

export interface CognitoStandInOptions {
  /** The endpoint it is served at (known once its server listens): the issuer is `<endpoint>/<userPoolId>`. */
  endpoint: string;
  userPoolId?: string;
  clientId?: string;
  /** Clock for token times (tests move it on to expire tokens). */
  now?: () => Date;
}

/** The labelers' pool's password policy (infra: at least 12 characters, upper, lower, digit, symbol). */
const passwordProblem = (password: string): string | undefined => {
  if (password.length < 12) return 'Password not long enough';
  if (!/[a-z]/.test(password)) return 'Password must have lowercase characters';
  if (!/[A-Z]/.test(password)) return 'Password must have uppercase characters';
  if (!/[0-9]/.test(password)) return 'Password must have numeric characters';
  if (!/[^A-Za-z0-9]/.test(password)) return 'Password must have symbol characters';
  return undefined;
};

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A password that meets the policy, for invitations and test users. */
export const generatePassword = (): string => `Lp-${randomBytes(9).toString('base64url')}7a!`;

/**
 * A Cognito user pool with one app client, speaking the Cognito Identity Provider JSON protocol
 * (awsJson1_1, `AWSCognitoIdentityProviderService.<Operation>`) for the calls the CLI and the
 * page make. Users sign in with their e-mail (the pool's username attribute; `cognito:username`
 * is the sub, as with `UsernameAttributes: [email]`). Tokens are RS256 JWTs signed with a key
 * published as a JWKS at `<endpoint>/<userPoolId>/.well-known/jwks.json`, with Cognito's claims,
 * so API Gateway's JWT authorizer checks (issuer, audience/client_id, expiry, signature) apply.
 */
export class CognitoStandIn {
  readonly userPoolId: string;
  readonly clientId: string;
  readonly issuer: string;
  readonly invitations: Invitation[] = [];
  private readonly users = new Map<string, User>();
  private readonly groups = new Map<string, Date>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly sessions = new Map<string, string>();
  private readonly privateKey: KeyObject;
  private readonly kid = randomUUID();
  readonly jwks: { keys: JsonObject[] };
  private readonly now: () => Date;

  constructor(options: CognitoStandInOptions) {
    this.userPoolId = options.userPoolId ?? LOCAL_USER_POOL_ID;
    this.clientId = options.clientId ?? LOCAL_USER_POOL_CLIENT_ID;
    this.issuer = `${options.endpoint.replace(/\/$/, '')}/${this.userPoolId}`;
    this.now = options.now ?? (() => new Date());
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), alg: 'RS256', kid: this.kid, use: 'sig' }] };
    this.groups.set(LOCAL_ADMIN_GROUP, this.now());
  }

  get jwksPath(): string {
    return `/${this.userPoolId}/.well-known/jwks.json`;
  }

  readonly service: StandInService = {
    targetPrefix: 'AWSCognitoIdentityProviderService',
    jsonVersion: '1.1',
    operations: {
      InitiateAuth: (input) => this.initiateAuth(input),
      RespondToAuthChallenge: (input) => this.respondToAuthChallenge(input),
      AdminCreateUser: (input) => this.adminCreateUser(input),
      AdminDeleteUser: (input) => {
        const user = this.adminUser(input);
        this.users.delete(user.sub);
        this.revoke(user.sub);
        return {};
      },
      AdminGetUser: (input) => {
        const user = this.adminUser(input);
        return {
          Username: user.sub,
          UserAttributes: this.attributes(user),
          UserCreateDate: epochSeconds(user.created),
          UserLastModifiedDate: epochSeconds(user.modified),
          Enabled: user.enabled,
          UserStatus: user.status,
        };
      },
      AdminAddUserToGroup: (input) => {
        const user = this.adminUser(input);
        user.groups.add(this.group(input));
        return {};
      },
      AdminRemoveUserFromGroup: (input) => {
        const user = this.adminUser(input);
        user.groups.delete(this.group(input));
        return {};
      },
      AdminListGroupsForUser: (input) => {
        const user = this.adminUser(input);
        return { Groups: [...user.groups].sort().map((name) => this.groupType(name)) };
      },
      CreateGroup: (input) => {
        this.pool(input);
        const name = requireString(input, 'GroupName');
        if (this.groups.has(name))
          throw new ServiceError('GroupExistsException', 'A group with the name already exists.');
        this.groups.set(name, this.now());
        return { Group: this.groupType(name) };
      },
      ListUsers: (input) => this.listUsers(input),
      GlobalSignOut: (input) => {
        this.revoke(this.subOfAccessToken(requireString(input, 'AccessToken')));
        return {};
      },
    },
  };

  /** A confirmed user (no invitation, permanent password) for tests and the simulated labelers. */
  createUser({
    email,
    password = generatePassword(),
    admin = false,
    groups = [],
  }: {
    email: string;
    password?: string;
    admin?: boolean;
    groups?: string[];
  }): { sub: string; email: string; password: string } {
    const problem = passwordProblem(password);
    if (problem) throw new Error(`createUser ${email}: ${problem}`);
    const user = this.addUser(email, password, 'CONFIRMED');
    for (const group of [...groups, ...(admin ? [LOCAL_ADMIN_GROUP] : [])]) {
      if (!this.groups.has(group)) this.groups.set(group, this.now());
      user.groups.add(group);
    }
    return { sub: user.sub, email, password };
  }

  /** The users' e-mails and groups (tests read them). */
  listGroupsOf(email: string): string[] {
    return [...(this.byName(email)?.groups ?? [])].sort();
  }

  private addUser(email: string, password: string, status: UserStatus): User {
    if (this.byName(email))
      throw new ServiceError('UsernameExistsException', 'An account with the given email already exists.');
    const created = this.now();
    const user: User = {
      sub: randomUUID(),
      email: email.toLowerCase(),
      password,
      status,
      enabled: true,
      groups: new Set(),
      created,
      modified: created,
    };
    this.users.set(user.sub, user);
    return user;
  }

  private byName(name: string): User | undefined {
    const wanted = name.toLowerCase();
    return this.users.get(name) ?? [...this.users.values()].find((u) => u.email === wanted);
  }

  private pool(input: JsonObject): void {
    const id = requireString(input, 'UserPoolId');
    if (id !== this.userPoolId) throw new ServiceError('ResourceNotFoundException', `User pool ${id} does not exist.`);
  }

  private adminUser(input: JsonObject): User {
    this.pool(input);
    const user = this.byName(requireString(input, 'Username'));
    if (!user) throw new ServiceError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  private group(input: JsonObject): string {
    const name = requireString(input, 'GroupName');
    if (!this.groups.has(name)) throw new ServiceError('ResourceNotFoundException', 'Group not found.');
    return name;
  }

  private groupType(name: string) {
    const date = epochSeconds(this.groups.get(name) ?? this.now());
    return { GroupName: name, UserPoolId: this.userPoolId, CreationDate: date, LastModifiedDate: date };
  }

  private attributes(user: User) {
    return [
      { Name: 'sub', Value: user.sub },
      { Name: 'email', Value: user.email },
      { Name: 'email_verified', Value: 'true' },
    ];
  }

  private client(input: JsonObject): void {
    const id = requireString(input, 'ClientId');
    if (id !== this.clientId)
      throw new ServiceError('ResourceNotFoundException', `User pool client ${id} does not exist.`);
  }

  private adminCreateUser(input: JsonObject) {
    this.pool(input);
    const username = requireString(input, 'Username');
    const attributes = Array.isArray(input.UserAttributes)
      ? (input.UserAttributes as { Name?: string; Value?: string }[])
      : [];
    const email = attributes.find((a) => a.Name === 'email')?.Value ?? username;
    if (!email.includes('@')) throw new ServiceError('InvalidParameterException', 'Username should be an email.');
    const temporaryPassword = optionalString(input, 'TemporaryPassword') ?? generatePassword();
    const problem = passwordProblem(temporaryPassword);
    if (problem) throw new ServiceError('InvalidPasswordException', `Password did not conform with policy: ${problem}`);
    const user = this.addUser(email, temporaryPassword, 'FORCE_CHANGE_PASSWORD');
    if (input.MessageAction !== 'SUPPRESS') this.invitations.push({ email: user.email, temporaryPassword });
    return {
      User: {
        Username: user.sub,
        Attributes: this.attributes(user),
        UserCreateDate: epochSeconds(user.created),
        UserLastModifiedDate: epochSeconds(user.modified),
        Enabled: true,
        UserStatus: user.status,
      },
    };
  }

  /** `Filter` supports Cognito's `attribute = "value"` and `attribute ^= "prefix"` on email/sub. */
  private listUsers(input: JsonObject) {
    this.pool(input);
    const filter = optionalString(input, 'Filter');
    const match = filter === undefined ? undefined : /^\s*(email|sub|username)\s*(\^?=)\s*"([^"]*)"\s*$/.exec(filter);
    if (filter !== undefined && !match)
      throw new ServiceError('InvalidParameterException', `Invalid filter: ${filter}`);
    const limit = typeof input.Limit === 'number' ? input.Limit : 60;
    const start = Number(optionalString(input, 'PaginationToken') ?? '0');
    const all = [...this.users.values()]
      .filter((u) => {
        if (!match) return true;
        const value = match[1] === 'email' ? u.email : u.sub;
        return match[2] === '=' ? value === match[3] : value.startsWith(match[3] ?? '');
      })
      .sort((a, b) => a.email.localeCompare(b.email));
    const page = all.slice(start, start + limit);
    return {
      Users: page.map((u) => ({
        Username: u.sub,
        Attributes: this.attributes(u),
        UserCreateDate: epochSeconds(u.created),
        UserLastModifiedDate: epochSeconds(u.modified),
        Enabled: u.enabled,
        UserStatus: u.status,
      })),
      ...(start + limit < all.length ? { PaginationToken: String(start + limit) } : {}),
    };
  }

  private initiateAuth(input: JsonObject) {
    this.client(input);
    const flow = requireString(input, 'AuthFlow');
    const parameters = requireObject(input, 'AuthParameters') as Record<string, string | undefined>;
    if (flow === 'REFRESH_TOKEN_AUTH' || flow === 'REFRESH_TOKEN') {
      const sub = this.refreshTokens.get(parameters.REFRESH_TOKEN ?? '');
      const user = sub === undefined ? undefined : this.users.get(sub);
      if (!user) throw new ServiceError('NotAuthorizedException', 'Invalid Refresh Token');
      const { RefreshToken: _kept, ...tokens } = this.tokens(user);
      return { ChallengeParameters: {}, AuthenticationResult: tokens };
    }
    if (flow !== 'USER_PASSWORD_AUTH') {
      throw new ServiceError(
        'InvalidParameterException',
        `${flow} is not enabled for this client (local stand-in: USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH)`,
      );
    }
    const user = this.byName(parameters.USERNAME ?? '');
    // The pool prevents user existence errors: an unknown user looks like a wrong password.
    if (!user || user.password !== parameters.PASSWORD || !user.enabled) {
      throw new ServiceError('NotAuthorizedException', 'Incorrect username or password.');
    }
    if (user.status === 'FORCE_CHANGE_PASSWORD') {
      const session = randomBytes(48).toString('base64url');
      this.sessions.set(session, user.sub);
      return {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: session,
        ChallengeParameters: {
          USER_ID_FOR_SRP: user.sub,
          requiredAttributes: '[]',
          userAttributes: JSON.stringify({ email_verified: 'true', email: user.email }),
        },
      };
    }
    return { ChallengeParameters: {}, AuthenticationResult: this.tokens(user) };
  }

  private respondToAuthChallenge(input: JsonObject) {
    this.client(input);
    if (requireString(input, 'ChallengeName') !== 'NEW_PASSWORD_REQUIRED') {
      throw new ServiceError('InvalidParameterException', 'only NEW_PASSWORD_REQUIRED is answered locally');
    }
    const session = requireString(input, 'Session');
    const sub = this.sessions.get(session);
    const user = sub === undefined ? undefined : this.users.get(sub);
    if (!user) throw new ServiceError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    const responses = requireObject(input, 'ChallengeResponses') as Record<string, string | undefined>;
    const password = responses.NEW_PASSWORD ?? '';
    const problem = passwordProblem(password);
    if (problem) throw new ServiceError('InvalidPasswordException', `Password does not conform to policy: ${problem}`);
    this.sessions.delete(session);
    user.password = password;
    user.status = 'CONFIRMED';
    user.modified = this.now();
    return { ChallengeParameters: {}, AuthenticationResult: this.tokens(user) };
  }

  private revoke(sub: string): void {
    for (const [token, owner] of this.refreshTokens) if (owner === sub) this.refreshTokens.delete(token);
  }

  private subOfAccessToken(token: string): string {
    const payload = this.verifyOwn(token);
    if (payload?.token_use !== 'access') throw new ServiceError('NotAuthorizedException', 'Invalid Access Token');
    return String(payload.sub);
  }

  /** Checks a token this pool signed (GlobalSignOut); the HTTP API verifies with aws-jwt-verify instead. */
  private verifyOwn(token: string): JsonObject | undefined {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return undefined;
    if (this.sign(`${header}.${payload}`) !== signature) return undefined;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JsonObject;
    return Number(claims.exp) * 1000 > this.now().getTime() ? claims : undefined;
  }

  private sign(data: string): string {
    return createSign('RSA-SHA256').update(data).sign(this.privateKey).toString('base64url');
  }

  private jwt(claims: JsonObject): string {
    const unsigned = `${base64url({ kid: this.kid, alg: 'RS256' })}.${base64url(claims)}`;
    return `${unsigned}.${this.sign(unsigned)}`;
  }

  /** ID and access tokens with the claims Cognito puts in them. */
  private tokens(user: User) {
    const iat = Math.floor(this.now().getTime() / 1000);
    const common = {
      sub: user.sub,
      ...(user.groups.size > 0 ? { 'cognito:groups': [...user.groups].sort() } : {}),
      iss: this.issuer,
      origin_jti: randomUUID(),
      event_id: randomUUID(),
      auth_time: iat,
      exp: iat + TOKEN_SECONDS,
      iat,
      jti: randomUUID(),
    };
    const idToken = this.jwt({
      ...common,
      email_verified: true,
      'cognito:username': user.sub,
      aud: this.clientId,
      token_use: 'id',
      email: user.email,
    });
    const accessToken = this.jwt({
      ...common,
      client_id: this.clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      username: user.sub,
    });
    const refreshToken = randomBytes(64).toString('base64url');
    this.refreshTokens.set(refreshToken, user.sub);
    return {
      AccessToken: accessToken,
      ExpiresIn: TOKEN_SECONDS,
      TokenType: 'Bearer',
      RefreshToken: refreshToken,
      IdToken: idToken,
    };
  }
}

export interface RunningCognito {
  endpoint: string;
  standIn: CognitoStandIn;
  stop(): Promise<void>;
}

/**
 * The Cognito stand-in on its own loopback server (the page calls it from the browser, so it
 * answers CORS preflights as Cognito does) serving the protocol and the JWKS.
 */
export const startCognito = async (options: Omit<CognitoStandInOptions, 'endpoint'> = {}): Promise<RunningCognito> => {
  let standIn: CognitoStandIn | undefined;
  const serverOptions: ApiServerOptions = {
    cors: true,
    documents: (path) => (standIn && path === standIn.jwksPath ? standIn.jwks : undefined),
  };
  const services: StandInService[] = [
    {
      targetPrefix: 'AWSCognitoIdentityProviderService',
      jsonVersion: '1.1',
      operations: new Proxy({}, { get: (_target, name: string) => standIn?.service.operations[name] }),
    },
  ];
  const server: RunningApiServer = await startAwsApiServer(services, [], serverOptions);
  standIn = new CognitoStandIn({ ...options, endpoint: server.endpoint });
  return { endpoint: server.endpoint, standIn, stop: () => server.stop() };
};
