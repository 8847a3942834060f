import { Api, SignedOut } from '../../web/src/lib/api';
import type { Auth, Session } from '../../web/src/lib/auth';

// The page's API client, in Node with a stand-in fetch: a session the API says was ended (signed
// out elsewhere, or the labeler removed) ends here too, so the page shows the sign-in form.

const session: Session = {
  email: 'you@example.com',
  idToken: 'id',
  accessToken: 'access',
  refreshToken: 'refresh',
  expiresAt: Date.now() + 3_600_000,
};

const fakeAuth = () => {
  const calls = { refresh: 0, signOut: 0 };
  const auth = {
    current: async () => session,
    refresh: async () => {
      calls.refresh += 1;
      return session;
    },
    signOut: async () => {
      calls.signOut += 1;
    },
  } as unknown as Auth;
  return { auth, calls };
};

const answering = (status: number, body: unknown) => {
  const seen: string[] = [];
  const fetchFake = (async (path: string) => {
    seen.push(path);
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  }) as typeof fetch;
  return { fetchFake, seen };
};

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

describe('the page API client and ended sessions', () => {
  it('signs the local session out and throws SignedOut when the API keeps answering SESSION_REVOKED', async () => {
    const { auth, calls } = fakeAuth();
    const { fetchFake, seen } = answering(401, { error: { code: 'SESSION_REVOKED', message: 'ended' } });
    globalThis.fetch = fetchFake;

    await expect(new Api(auth).me()).rejects.toBeInstanceOf(SignedOut);
    expect(calls).toEqual({ refresh: 1, signOut: 1 });
    expect(seen).toEqual(['/api/me', '/api/me']);
  });

  it('keeps the session for any other refusal, and reports it as the API said', async () => {
    const { auth, calls } = fakeAuth();
    const { fetchFake } = answering(401, { error: { code: 'ID_TOKEN_REQUIRED', message: 'send the ID token' } });
    globalThis.fetch = fetchFake;

    await expect(new Api(auth).me()).rejects.toMatchObject({ status: 401, code: 'ID_TOKEN_REQUIRED' });
    expect(calls.signOut).toBe(0);
  });
});
