import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type { Settings } from '../../../kernel/config';
import { logger } from '../../../kernel/observability';
import type * as z from '../../../kernel/schema';
import { mapErrorStack } from '../../../kernel/stack-traces';
import { ROUTES, type RouteName } from '../contracts/api';
import { type Caller, callerOf } from '../rules/caller';
import { isIdToken, isRevoked, type SessionStore } from '../rules/sessions';

/** An answer with a status other than the route's own: `{ error: { code, message, field? } }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The parts of an HTTP API (payload format 2.0) event a route reads. */
export interface HttpEvent {
  body?: string | null;
  isBase64Encoded?: boolean;
  pathParameters?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  requestContext?: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
}

type RouteOf<N extends RouteName> = (typeof ROUTES)[N];
type Parsed<S> = S extends z.ZodMiniType ? z.infer<S> : undefined;

export interface RouteRequest<N extends RouteName> {
  caller: RouteOf<N>['auth'] extends 'none' ? Caller | undefined : Caller;
  params: Parsed<RouteOf<N> extends { params: infer P } ? P : undefined>;
  query: Parsed<RouteOf<N> extends { query: infer Q } ? Q : undefined>;
  body: Parsed<RouteOf<N> extends { body: infer B } ? B : undefined>;
  now: Date;
}

type Impl<N extends RouteName> = (request: RouteRequest<N>) => Promise<z.infer<RouteOf<N>['response']>>;

const json = (statusCode: number, body: unknown): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

const errorResponse = (error: ApiError) =>
  json(error.status, {
    error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
  });

/** Parses one part of the request; the first bad field becomes a 400 naming it. */
const parsePart = (schema: z.ZodMiniType | undefined, value: unknown, part: string): unknown => {
  if (schema === undefined) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : part;
  throw new ApiError(400, 'INVALID_REQUEST', `${field}: ${issue?.message ?? 'invalid'}`, field);
};

const readBody = (event: HttpEvent): unknown => {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'INVALID_JSON', 'the request body is not JSON', 'body');
  }
};

/** What the wrapper reads of its function's settings: which Cognito group holds the admins. */
export type RouteSettings = Settings<'ADMIN_GROUP'>;

/** A signed-in caller whose token is an ID token whose session was not revoked; 401 otherwise. */
const signedInCaller = async (event: HttpEvent, adminGroup: string, store: SessionStore): Promise<Caller> => {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  const caller = callerOf(claims, adminGroup);
  if (caller === undefined) throw new ApiError(401, 'UNAUTHENTICATED', 'sign in first');
  if (!isIdToken(claims)) {
    throw new ApiError(401, 'ID_TOKEN_REQUIRED', 'send the ID token of your sign-in; an access token is not accepted');
  }
  if (isRevoked(claims, await store.revocation(caller.sub))) {
    throw new ApiError(
      401,
      'SESSION_REVOKED',
      'this sign-in was ended (signed out, or removed by an admin); sign in again',
    );
  }
  return caller;
};

const authorize = async (
  name: RouteName,
  event: HttpEvent,
  adminGroup: string,
  store?: SessionStore,
): Promise<Caller | undefined> => {
  const route = ROUTES[name];
  if (route.auth === 'none') {
    const claims = event.requestContext?.authorizer?.jwt?.claims;
    return isIdToken(claims) ? callerOf(claims, adminGroup) : undefined;
  }
  if (store === undefined) throw new Error(`route ${name} needs a sign-in but was given no session store`);
  const caller = await signedInCaller(event, adminGroup, store);
  if (route.auth === 'admin' && !caller.admin) {
    throw new ApiError(403, 'ADMIN_ONLY', `only members of ${adminGroup} may do this`);
  }
  return caller;
};

/** A route that needs a sign-in takes the session store its revocations are checked against. */
type SessionArgs<N extends RouteName> = RouteOf<N>['auth'] extends 'none' ? [] : [sessions: SessionStore];

/** A refusal (4xx) is logged as such; anything else fails the request with its stack mapped to the sources. */
const failureResponse = (name: RouteName, error: unknown): APIGatewayProxyResultV2 => {
  if (error instanceof ApiError) {
    if (error.status >= 500) {
      mapErrorStack(error);
      logger.error('route failed', { route: name, error });
    } else logger.info('request refused', { route: name, code: error.code, field: error.field });
    return errorResponse(error);
  }
  mapErrorStack(error);
  logger.error('route failed', { route: name, error: error as Error });
  return errorResponse(new ApiError(500, 'INTERNAL', 'something went wrong; try again'));
};

/**
 * The one wrapper of the API's handlers: authenticate (an ID token's claims, a session not revoked:
 * `sessions`, required by the type for every route that needs a sign-in), authorize (admin routes),
 * validate path, query and body against the route's schemas (400 naming the field), run the
 * route, and validate its answer too, so the document and the behaviour cannot drift apart.
 * `settings` are the function's own (its SETTINGS, loaded at its cold start).
 */
export const httpRoute = <N extends RouteName>(
  name: N,
  settings: RouteSettings,
  impl: Impl<N>,
  ...sessions: SessionArgs<N>
) => {
  const [store] = sessions as [SessionStore?];
  const route = ROUTES[name] as RouteOf<N> & { params?: z.ZodMiniType; query?: z.ZodMiniType; body?: z.ZodMiniType };
  const run = async (event: HttpEvent): Promise<APIGatewayProxyResultV2> => {
    try {
      const caller = await authorize(name, event, settings.ADMIN_GROUP, store);
      if (caller) logger.appendKeys({ sub: caller.sub });
      const request = {
        caller,
        params: parsePart(route.params, event.pathParameters ?? {}, 'path'),
        query: parsePart(route.query, event.queryStringParameters ?? {}, 'query'),
        body: parsePart(route.body, readBody(event), 'body'),
        now: new Date(),
      } as RouteRequest<N>;
      const answer = await impl(request);
      const checked = route.response.safeParse(answer);
      if (!checked.success) {
        logger.error('answer does not match its schema', { route: name, issues: checked.error.issues });
        return errorResponse(new ApiError(500, 'INTERNAL', 'the server produced an invalid answer'));
      }
      return json(route.status, checked.data);
    } catch (error) {
      return failureResponse(name, error);
    }
  };
  return middy<HttpEvent, APIGatewayProxyResultV2, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler((event) => run(event));
};
