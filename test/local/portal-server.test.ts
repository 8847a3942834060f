import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  claimStrings,
  httpApiRoutes,
  MAX_BODY_BYTES,
  type RunningPortal,
  startPortalServer,
} from '../../local-runtime/stack/portal-server';
import { CognitoStandIn, type RunningCognito, startCognito } from '../../local-runtime/stand-ins/cognito';

// biome-ignore lint/suspicious/noExplicitAny: the echoed event is read field by field.
type Echoed = { functionKey: string; event: any };

/** A small handler in place of the real ones: echoes what API Gateway handed it. */
// biome-ignore lint/suspicious/noExplicitAny: the event is whatever the server built.
const echo = async (functionKey: string, event: any) => {
  if (event.rawPath === '/api/fail') throw new Error('handler broke');
  if (event.rawPath === '/api/plain') return { hello: 'world' };
  return {
    statusCode: functionKey === 'createThing' ? 201 : 200,
    headers: { 'Content-Type': 'application/json', 'X-Function': functionKey },
    body: JSON.stringify({ functionKey, event }),
  };
};

const functions = {
  config: {
    handler: 'x.handler',
    events: [{ httpApi: 'GET /api/config' }, { httpApi: 'GET /api/plain' }, { httpApi: 'GET /api/fail' }],
  },
  getJob: {
    handler: 'x.handler',
    events: [{ httpApi: { method: 'get', path: '/api/jobs/{jobId}', authorizer: { name: 'labelers' } } }],
  },
  answer: {
    handler: 'x.handler',
    events: [
      {
        httpApi: { method: 'POST', path: '/api/jobs/{jobId}/tasks/{taskId}/answer', authorizer: { name: 'labelers' } },
      },
    ],
  },
  mine: {
    handler: 'x.handler',
    events: [{ httpApi: { method: 'GET', path: '/api/jobs/{jobId}/tasks/mine', authorizer: { name: 'labelers' } } }],
  },
  anyTask: {
    handler: 'x.handler',
    events: [
      { httpApi: { method: 'GET', path: '/api/jobs/{jobId}/tasks/{taskId}', authorizer: { name: 'labelers' } } },
    ],
  },
  createThing: {
    handler: 'x.handler',
    events: [{ httpApi: { method: 'POST', path: '/api/things' } }, { schedule: 'rate(1 hour)' }],
  },
  notHttp: { handler: 'x.handler', events: [{ eventBridge: {} }] },
};

describe('local portal server', () => {
  let cognito: RunningCognito;
  let portal: RunningPortal;
  let webRoot: string;
  let clockOffsetMs = 0;
  let ana: { email: string; password: string; sub: string };
  const cognitoClient = () =>
    new CognitoIdentityProviderClient({
      endpoint: cognito.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  const tokens = async (email: string, password: string) => {
    const client = cognitoClient();
    const out = await client.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: cognito.standIn.clientId,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    client.destroy();
    return { id: out.AuthenticationResult?.IdToken ?? '', access: out.AuthenticationResult?.AccessToken ?? '' };
  };

  beforeAll(async () => {
    cognito = await startCognito({ now: () => new Date(Date.now() - clockOffsetMs) });
    ana = cognito.standIn.createUser({ email: 'ana@example.com', admin: true, groups: ['team-a'] });
    webRoot = mkdtempSync(join(tmpdir(), 'web-dist-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>portal</title>');
    writeFileSync(join(webRoot, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'portal-secret.txt'), 'secret');
    portal = await startPortalServer({
      routes: httpApiRoutes(functions),
      invoke: echo,
      authorizer: { issuer: cognito.standIn.issuer, audience: [cognito.standIn.clientId], jwks: cognito.standIn.jwks },
      webRoot,
      onError: () => undefined,
    });
  });
  afterAll(async () => {
    await portal.stop();
    await cognito.stop();
  });

  it('reads the httpApi events of the functions, string and object forms', () => {
    expect(httpApiRoutes(functions)).toEqual(
      expect.arrayContaining([
        { method: 'GET', path: '/api/config', functionKey: 'config', authorized: false },
        { method: 'GET', path: '/api/jobs/{jobId}', functionKey: 'getJob', authorized: true },
        { method: 'POST', path: '/api/things', functionKey: 'createThing', authorized: false },
      ]),
    );
    expect(httpApiRoutes(functions)).toHaveLength(8);
  });

  it('hands claims as API Gateway does: strings, arrays as "[a b]"', () => {
    expect(claimStrings({ sub: 's', exp: 12, email_verified: true, 'cognito:groups': ['admins', 'team-a'] })).toEqual({
      sub: 's',
      exp: '12',
      email_verified: 'true',
      'cognito:groups': '[admins team-a]',
    });
  });

  it('routes an open route without a token, with a payload 2.0 event', async () => {
    const response = await fetch(`${portal.endpoint}/api/config?a=1&a=2&b=x`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-function')).toBe('config');
    const { event } = (await response.json()) as Echoed;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /api/config',
      rawPath: '/api/config',
      rawQueryString: 'a=1&a=2&b=x',
      queryStringParameters: { a: '1,2', b: 'x' },
      requestContext: { http: { method: 'GET', path: '/api/config' }, stage: '$default' },
      isBase64Encoded: false,
    });
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it('passes the verified claims and path parameters; the most specific route wins', async () => {
    const { id, access } = await tokens(ana.email, ana.password);
    const response = await fetch(`${portal.endpoint}/api/jobs/run-1/tasks/mine`, {
      headers: { authorization: `Bearer ${id}` },
    });
    expect(response.status).toBe(200);
    const { functionKey, event } = (await response.json()) as Echoed;
    expect(functionKey).toBe('mine');
    expect(event.pathParameters).toEqual({ jobId: 'run-1' });
    expect(event.requestContext.authorizer.jwt.claims).toMatchObject({
      sub: ana.sub,
      email: 'ana@example.com',
      'cognito:groups': '[admins team-a]',
      token_use: 'id',
    });
    const other = await fetch(`${portal.endpoint}/api/jobs/run-1/tasks/000007`, { headers: { authorization: access } });
    const otherBody = (await other.json()) as Echoed;
    expect(otherBody.functionKey).toBe('anyTask');
    expect(otherBody.event.requestContext.authorizer.jwt.scopes).toEqual(['aws.cognito.signin.user.admin']);
  });

  it('hands a POST body through, and a status the handler chose', async () => {
    const { id } = await tokens(ana.email, ana.password);
    const answer = await fetch(`${portal.endpoint}/api/jobs/run-1/tasks/000003/answer`, {
      method: 'POST',
      headers: { authorization: `Bearer ${id}`, 'content-type': 'application/json' },
      body: JSON.stringify({ boxes: [], nothingToLabel: true }),
    });
    const { event } = (await answer.json()) as Echoed;
    expect(JSON.parse(event.body)).toEqual({ boxes: [], nothingToLabel: true });
    expect(event.pathParameters).toEqual({ jobId: 'run-1', taskId: '000003' });
    const created = await fetch(`${portal.endpoint}/api/things`, { method: 'POST', body: 'x' });
    expect(created.status).toBe(201);
  });

  it('answers 413, as API Gateway does, for a body over the HTTP API payload limit, without invoking the route', async () => {
    const calls: string[] = [];
    const counting = await startPortalServer({
      routes: httpApiRoutes(functions),
      invoke: async (key, event) => {
        calls.push(key);
        return echo(key, event);
      },
      authorizer: { issuer: cognito.standIn.issuer, audience: [cognito.standIn.clientId], jwks: cognito.standIn.jwks },
      webRoot,
    });

    const tooLarge = await fetch(`${counting.endpoint}/api/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20),
    });
    const atLimit = await fetch(`${counting.endpoint}/api/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES, 0x20),
    });
    await counting.stop();

    expect(MAX_BODY_BYTES).toBe(10 * 1024 * 1024);
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ message: 'Request Entity Too Large' });
    expect(atLimit.status).toBe(201);
    expect(calls).toEqual(['createThing']);
  });

  it('refuses missing, forged, expired and foreign-audience tokens with 401', async () => {
    const url = `${portal.endpoint}/api/jobs/run-1`;
    const { id } = await tokens(ana.email, ana.password);
    const expect401 = async (headers: Record<string, string>) => {
      const response = await fetch(url, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ message: 'Unauthorized' });
    };
    await expect401({});
    await expect401({ authorization: 'Bearer not-a-jwt' });
    const [header, payload] = id.split('.');
    const tampered = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    tampered['cognito:groups'] = ['admins', 'root'];
    await expect401({
      authorization: `Bearer ${header}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${id.split('.')[2]}`,
    });

    // A token signed two hours ago by the same pool has expired.
    clockOffsetMs = 7_200_000;
    const old = await tokens(ana.email, ana.password);
    clockOffsetMs = 0;
    await expect401({ authorization: `Bearer ${old.id}` });
    // Another pool's key, with this pool's issuer.
    const impostor = new CognitoStandIn({ endpoint: cognito.endpoint });
    const mallory = impostor.createUser({ email: 'mallory@example.com' });
    const forged = impostor.service.operations.InitiateAuth?.({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: impostor.clientId,
      AuthParameters: { USERNAME: mallory.email, PASSWORD: mallory.password },
    }) as { AuthenticationResult: { IdToken: string } };
    await expect401({ authorization: `Bearer ${forged.AuthenticationResult.IdToken}` });

    const foreign = await startPortalServer({
      routes: httpApiRoutes(functions),
      invoke: echo,
      authorizer: { issuer: cognito.standIn.issuer, audience: ['another-client'], jwks: cognito.standIn.jwks },
      webRoot,
    });
    const response = await fetch(`${foreign.endpoint}/api/jobs/run-1`, { headers: { authorization: `Bearer ${id}` } });
    expect(response.status).toBe(401);
    await foreign.stop();
  });

  it('answers 404 for an unknown API route, 500 when the handler throws, JSON for a bare result', async () => {
    expect((await fetch(`${portal.endpoint}/api/nope`)).status).toBe(404);
    expect((await fetch(`${portal.endpoint}/api/jobs/run-1`, { method: 'DELETE' })).status).toBe(404);
    const failed = await fetch(`${portal.endpoint}/api/fail`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
    const plain = await fetch(`${portal.endpoint}/api/plain`);
    expect(plain.headers.get('content-type')).toBe('application/json');
    expect(await plain.json()).toEqual({ hello: 'world' });
  });

  it('serves the web app, index.html for other paths, nothing outside its folder', async () => {
    const asset = await fetch(`${portal.endpoint}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(await asset.text()).toBe('console.log(1)');
    const deep = await fetch(`${portal.endpoint}/jobs/run-1/label`);
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<title>portal</title>');
    const outside = await fetch(`${portal.endpoint}/..%2Fportal-secret.txt`);
    expect(await outside.text()).not.toContain('secret');
  });
});
