/**
 * Sign-in against Cognito's JSON protocol with plain fetch (no SDK: it would weigh more than the
 * page). The ID token is what the API's JWT authorizer checks; it is refreshed a minute before it
 * expires with the refresh token. Tokens live in localStorage so a reload keeps the session.
 */

export interface AuthConfig {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  cognitoEndpoint: string;
}

export interface Session {
  email: string;
  idToken: string;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms at which the ID token expires. */
  expiresAt: number;
}

export type SignInResult = { kind: 'signedIn'; session: Session } | { kind: 'newPasswordRequired'; session: string };

export class AuthError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

const SESSION_KEY = 'labeling-pipeline.session.v1';

interface AuthenticationResult {
  IdToken: string;
  AccessToken: string;
  RefreshToken?: string;
  ExpiresIn: number;
}

interface CognitoReply {
  AuthenticationResult?: AuthenticationResult;
  ChallengeName?: string;
  Session?: string;
}

const FRIENDLY: Record<string, string> = {
  NotAuthorizedException: 'Wrong email or password.',
  UserNotFoundException: 'Wrong email or password.',
  InvalidPasswordException: 'That password does not meet the rules: ',
  PasswordResetRequiredException: 'An administrator reset your password; ask them for a new one.',
  TooManyRequestsException: 'Too many attempts; wait a moment and try again.',
};

export class Auth {
  private refreshing: Promise<Session | null> | null = null;

  constructor(private readonly config: AuthConfig) {}

  private async call(target: string, body: unknown): Promise<CognitoReply> {
    const response = await fetch(this.config.cognitoEndpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${target}`,
      },
      body: JSON.stringify(body),
    });
    const reply = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const type =
        String(reply.__type ?? 'Error')
          .split('#')
          .pop() ?? 'Error';
      const message = String(reply.message ?? reply.Message ?? `sign-in service answered ${response.status}`);
      const friendly = FRIENDLY[type];
      throw new AuthError(type, friendly?.endsWith(': ') ? friendly + message : (friendly ?? message));
    }
    return reply as CognitoReply;
  }

  async signIn(email: string, password: string): Promise<SignInResult> {
    const reply = await this.call('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: this.config.userPoolClientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    });
    if (reply.ChallengeName === 'NEW_PASSWORD_REQUIRED' && reply.Session) {
      return { kind: 'newPasswordRequired', session: reply.Session };
    }
    return { kind: 'signedIn', session: this.store(email, reply) };
  }

  async completeNewPassword(email: string, challengeSession: string, newPassword: string): Promise<Session> {
    const reply = await this.call('RespondToAuthChallenge', {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      ClientId: this.config.userPoolClientId,
      Session: challengeSession,
      ChallengeResponses: { USERNAME: email, NEW_PASSWORD: newPassword },
    });
    return this.store(email, reply);
  }

  /** The session with a valid ID token (refreshed when due), or null when the user must sign in. */
  async current(): Promise<Session | null> {
    const session = readSession();
    if (!session) return null;
    if (session.expiresAt - Date.now() > 60_000) return session;
    return this.refresh();
  }

  /** Refreshes now (also after the API answered 401); one refresh at a time. */
  refresh(): Promise<Session | null> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<Session | null> {
    const session = readSession();
    if (!session) return null;
    try {
      const reply = await this.call('InitiateAuth', {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: this.config.userPoolClientId,
        AuthParameters: { REFRESH_TOKEN: session.refreshToken },
      });
      return this.store(session.email, reply, session.refreshToken);
    } catch (error) {
      if (error instanceof AuthError) {
        localStorage.removeItem(SESSION_KEY);
        return null;
      }
      throw error; // offline: keep the session, try again later
    }
  }

  /** Signs out everywhere (GlobalSignOut revokes the refresh token); the local session goes in any case. */
  async signOut(): Promise<void> {
    const session = readSession();
    localStorage.removeItem(SESSION_KEY);
    if (session) await this.call('GlobalSignOut', { AccessToken: session.accessToken }).catch(() => undefined);
  }

  private store(email: string, reply: CognitoReply, previousRefresh?: string): Session {
    const result = reply.AuthenticationResult;
    const refreshToken = result?.RefreshToken ?? previousRefresh;
    if (!result || !refreshToken) throw new AuthError('UnexpectedReply', 'The sign-in service gave no tokens.');
    const session: Session = {
      email,
      idToken: result.IdToken,
      accessToken: result.AccessToken,
      refreshToken,
      expiresAt: Date.now() + result.ExpiresIn * 1000,
    };
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    return session;
  }
}

const readSession = (): Session | null => {
  try {
    const parsed = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
    return parsed && typeof parsed.idToken === 'string' ? parsed : null;
  } catch {
    return null;
  }
};
