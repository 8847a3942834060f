import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { listenOnLoopback } from '../stand-ins/loopback-server';
import { deployedFunctions } from './lambda-registry';
import { LOCAL_ACCOUNT_ID } from './local-environment';

/** One `httpApi` event of a function: `METHOD /path/{param}` and whether the JWT authorizer guards it. */
export interface HttpRoute {
  method: string;
  path: string;
  functionKey: string;
  authorized: boolean;
}

type HttpApiEvent = string | { method?: string; path?: string; authorizer?: unknown };
type FunctionWithEvents = { handler: string; events?: { httpApi?: HttpApiEvent; [other: string]: unknown }[] };

/**
 * The HTTP API's routes, read from the functions' `httpApi` events (serverless.yml's
 * `functions.yml` includes), so the local server routes exactly what the stack deploys.
 */
export const httpApiRoutes = (
  functions: Record<string, FunctionWithEvents> = deployedFunctions() as Record<string, FunctionWithEvents>,
): HttpRoute[] =>
  Object.entries(functions).flatMap(([functionKey, fn]) =>
    (fn.events ?? []).flatMap(({ httpApi }) => {
      if (httpApi === undefined) return [];
      const [method, path] =
        typeof httpApi === 'string' ? httpApi.trim().split(/\s+/) : [httpApi.method ?? '*', httpApi.path];
      if (method === undefined || path === undefined)
        throw new Error(`${functionKey}: httpApi event needs a method and a path`);
      const authorized = typeof httpApi === 'object' && httpApi.authorizer !== undefined;
      return [{ method: method.toUpperCase(), path, functionKey, authorized }];
    }),
  );

interface CompiledRoute extends HttpRoute {
  pattern: RegExp;
  names: string[];
  /** More literal characters first, as API Gateway prefers the most specific route. */
  specificity: number;
}

const compile = (route: HttpRoute): CompiledRoute => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] ?? '');
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return {
    ...route,
    pattern: new RegExp(`^${source}$`),
    names,
    specificity: route.path.replace(/\{[^}]+\}/g, '').length,
  };
};

export interface JwtAuthorizerSettings {
  issuer: string;
  /** The app client ids the authorizer accepts (`aud` of ID tokens, `client_id` of access tokens). */
  audience: string[];
  /** The issuer's published keys (aws-jwt-verify fetches over https only, so they are handed over). */
  jwks: { keys: object[] };
}

export interface PortalServerOptions {
  routes: HttpRoute[];
  /** Runs a function with an event and returns its result (the local runtime: the real handler in process). */
  invoke(functionKey: string, event: unknown): Promise<unknown>;
  authorizer: JwtAuthorizerSettings;
  /** The built web app (web/dist); index.html answers every path that is no file. */
  webRoot: string;
  /** Called when a handler throws (API Gateway answers 500 and logs it). */
  onError?(route: string, error: unknown): void;
}

export interface RunningPortal {
  /** `http://127.0.0.1:<port>`: the page, and the API under `/api`. */
  endpoint: string;
  stop(): Promise<void>;
}

/** API Gateway hands every claim to Lambda as a string; an array becomes `"[a b]"`. */
export const claimStrings = (claims: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(claims).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const TEXT_TYPE = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)|.*\+json|.*\+xml)/;
/** An HTTP API takes request payloads up to 10 MB (API Gateway quotas for HTTP APIs); a larger body gets 413. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
const TOO_LARGE = Symbol('too large');

/** The request body, or TOO_LARGE past the limit (read to the end but not kept, so the answer reaches the client). */
const readBody = (request: IncomingMessage): Promise<Buffer | typeof TOO_LARGE> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? TOO_LARGE : Buffer.concat(chunks)));
    request.on('error', reject);
  });

const sendJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'apigw-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
};

/** Lambda's answer to API Gateway in payload format 2.0: a full response, or any JSON as a 200 body. */
const sendLambdaResult = (response: ServerResponse, result: unknown): void => {
  const full =
    typeof result === 'object' && result !== null && 'statusCode' in result
      ? (result as {
          statusCode: number;
          headers?: Record<string, string | number | boolean>;
          body?: string;
          isBase64Encoded?: boolean;
          cookies?: string[];
        })
      : undefined;
  if (!full) {
    const text = typeof result === 'string' ? result : JSON.stringify(result);
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
    return;
  }
  const body =
    full.body === undefined ? Buffer.alloc(0) : Buffer.from(full.body, full.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string | string[]> = Object.fromEntries(
    Object.entries(full.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  if (full.cookies?.length) headers['set-cookie'] = full.cookies;
  headers['content-length'] = String(body.length);
  headers['content-type'] ??= 'application/json';
  response.writeHead(full.statusCode, headers);
  response.end(body);
};

type Claims = Record<string, unknown>;

/** API Gateway's JWT authorizer: signature against the JWKS, issuer, expiry, then `aud` or `client_id`. */
const jwtAuthorizer = (settings: JwtAuthorizerSettings) => {
  const verifier = JwtRsaVerifier.create({ issuer: settings.issuer, audience: null });
  verifier.cacheJwks(settings.jwks as Parameters<typeof verifier.cacheJwks>[0]);
  return async (header: string | undefined): Promise<Claims | undefined> => {
    const token = header?.replace(/^Bearer\s+/i, '').trim();
    if (!token) return undefined;
    try {
      const payload = (await verifier.verify(token)) as Claims;
      const audience = payload.aud ?? payload.client_id;
      const audiences = Array.isArray(audience) ? audience : [audience];
      return audiences.some((a) => settings.audience.includes(String(a))) ? payload : undefined;
    } catch {
      return undefined;
    }
  };
};

/** The first route (most specific first) for a method and path, with its path parameters. */
const matchRoute = (routes: CompiledRoute[], method: string, path: string) => {
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY' && route.method !== '*') continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
    return { route, params };
  }
  return undefined;
};

/** Request headers as API Gateway passes them: lower-case names, repeated ones joined by commas, cookies apart. */
const eventHeaders = (request: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (name === 'cookie' || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
};

const eventQuery = (url: URL): Record<string, string> => {
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  return query;
};

const authorizerContext = (claims: Claims | undefined) =>
  claims
    ? {
        authorizer: {
          jwt: {
            claims: claimStrings(claims),
            scopes: typeof claims.scope === 'string' ? claims.scope.split(' ') : null,
          },
        },
      }
    : {};

interface EventParts {
  request: IncomingMessage;
  url: URL;
  route: CompiledRoute;
  params: Record<string, string>;
  claims: Claims | undefined;
  body: Buffer;
}

/** The payload format 2.0 event API Gateway hands the function. */
export const httpApiEvent = ({ request, url, route, params, claims, body }: EventParts) => {
  const contentType = String(request.headers['content-type'] ?? '');
  const textBody = body.length === 0 || contentType === '' || TEXT_TYPE.test(contentType);
  const routeKey = `${route.method} ${route.path}`;
  const query = eventQuery(url);
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(request.headers.cookie ? { cookies: request.headers.cookie.split(/;\s*/) } : {}),
    headers: eventHeaders(request),
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'localapi',
      ...authorizerContext(claims),
      domainName: url.host,
      domainPrefix: url.hostname.split('.')[0] ?? url.hostname,
      http: {
        method: route.method === 'ANY' || route.method === '*' ? String(request.method) : route.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: String(request.headers['user-agent'] ?? ''),
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(Object.keys(params).length > 0 ? { pathParameters: params } : {}),
    ...(body.length > 0 ? { body: textBody ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textBody,
  };
};

/** The file under `root` a path names, or index.html (the app routes in the browser); nothing outside `root`. */
const staticFile = (root: string, relative: string): { file: string; isFile: boolean } => {
  const candidate = normalize(join(root, relative));
  const inside = candidate === root || candidate.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
  const isFile = inside && existsSync(candidate) && statSync(candidate).isFile();
  return { file: isFile ? candidate : join(root, 'index.html'), isFile };
};

/** Serves web/dist as the web bucket behind CloudFront does, with the SPA's index.html fallback. */
const serveStatic = (root: string, request: IncomingMessage, response: ServerResponse, url: URL): void => {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(response, 405, { message: 'Method Not Allowed' });
    return;
  }
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    sendJson(response, 400, { message: 'Bad Request' });
    return;
  }
  const { file, isFile } = staticFile(root, relative);
  if (!existsSync(file)) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`The web app is not built (no ${file}). Build it with the page's build script, then reload.\n`);
    return;
  }
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': statSync(file).size,
    // Hashed assets may be cached; index.html must not be, so a rebuilt app is picked up.
    'cache-control': isFile && relative.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
};

/** `/api/*`: route, authorize, invoke the function with its event, answer with its result. */
const apiHandler = (options: PortalServerOptions) => {
  const routes = options.routes.map(compile).sort((a, b) => b.specificity - a.specificity);
  const authorize = jwtAuthorizer(options.authorizer);
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const matched = matchRoute(routes, (request.method ?? 'GET').toUpperCase(), url.pathname);
    const body = await readBody(request);
    if (body === TOO_LARGE) {
      sendJson(response, 413, { message: 'Request Entity Too Large' });
      return;
    }
    if (!matched) {
      sendJson(response, 404, { message: 'Not Found' });
      return;
    }
    const claims = matched.route.authorized ? await authorize(request.headers.authorization) : undefined;
    if (matched.route.authorized && !claims) {
      sendJson(response, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
      return;
    }
    const event = httpApiEvent({ request, url, ...matched, claims, body });
    let result: unknown;
    try {
      result = await options.invoke(matched.route.functionKey, event);
    } catch (error) {
      options.onError?.(event.routeKey, error);
      sendJson(response, 500, { message: 'Internal Server Error' });
      return;
    }
    sendLambdaResult(response, result);
  };
};

/**
 * The local HTTP API and web origin, as CloudFront + API Gateway serve them deployed: `/api/*`
 * goes to the function whose `httpApi` event matches (method, then the most specific path),
 * behind a JWT authorizer that checks what API Gateway's does (signature against the JWKS,
 * issuer, `aud`/`client_id`, expiry; 401 `{"message":"Unauthorized"}` otherwise), with payload
 * format 2.0 events; every other GET serves web/dist, index.html for paths that are no file.
 */
export const startPortalServer = async (options: PortalServerOptions): Promise<RunningPortal> => {
  const handleApi = apiHandler(options);
  const root = normalize(options.webRoot);
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? '127.0.0.1'}`);
    const work =
      url.pathname === '/api' || url.pathname.startsWith('/api/')
        ? handleApi(request, response, url)
        : Promise.resolve(serveStatic(root, request, response, url));
    work.catch((error: unknown) => {
      options.onError?.(url.pathname, error);
      if (!response.headersSent) sendJson(response, 500, { message: 'Internal Server Error' });
      else response.destroy();
    });
  });
  // Twenty labelers keep their connections alive; the default backlog is plenty.
  server.keepAliveTimeout = 5000;
  return listenOnLoopback(server);
};
