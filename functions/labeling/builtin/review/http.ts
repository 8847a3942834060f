import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { config } from '../../../kernel/config';
import { logger } from '../../../kernel/observability';
import type * as z from '../../../kernel/schema';
import { sessions } from '../aws/sessions';
import { isIdToken, isRevoked } from '../rules/sessions';

/**
 * The review routes' HTTP plumbing: admin check from the JWT claims, zod on the path and query,
 * zod on the answer, and errors as `{ error: { code, message, field? } }`.
 */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** `cognito:groups` as API Gateway hands it to Lambda: a real array, or the string "[admins team-a]". */
export const groupsOf = (claim: unknown): string[] => {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
};

const json = (status: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode: status,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

const firstIssue = (error: z.core.$ZodError, where: string): HttpError => {
  const issue = error.issues[0];
  const field = issue ? issue.path.join('.') : undefined;
  return new HttpError(400, 'INVALID_REQUEST', `${where}: ${issue?.message ?? 'invalid'}`, field || undefined);
};

export interface AdminRoute<P extends z.ZodMiniType, Q extends z.ZodMiniType, R extends z.ZodMiniType> {
  params: P;
  query?: Q;
  response: R;
  run(input: { params: z.infer<P>; query: z.infer<Q>; sub: string }): Promise<z.infer<R>>;
}

/**
 * The caller's sub, when the caller signed in with an ID token of a session not revoked and is in
 * the admin group; 401 or 403 otherwise (the same checks as `httpRoute`).
 */
const adminOf = async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<string> => {
  const claims = event.requestContext?.authorizer?.jwt?.claims ?? {};
  const sub = typeof claims.sub === 'string' ? claims.sub : undefined;
  if (!sub) throw new HttpError(401, 'UNAUTHORIZED', 'sign in first');
  if (!isIdToken(claims)) throw new HttpError(401, 'ID_TOKEN_REQUIRED', 'send the ID token of your sign-in');
  if (isRevoked(claims, await sessions.revocation(sub))) {
    throw new HttpError(401, 'SESSION_REVOKED', 'this sign-in was ended (signed out, or removed); sign in again');
  }
  if (!groupsOf(claims['cognito:groups']).includes(config.ADMIN_GROUP)) {
    throw new HttpError(403, 'ADMINS_ONLY', `only the ${config.ADMIN_GROUP} group may review a job`);
  }
  return sub;
};

const parsed = <S extends z.ZodMiniType>(schema: S, value: unknown, where: string): z.infer<S> => {
  const result = schema.safeParse(value);
  if (!result.success) throw firstIssue(result.error, where);
  return result.data;
};

const failure = (error: unknown): APIGatewayProxyStructuredResultV2 => {
  if (error instanceof HttpError) {
    return json(error.status, {
      error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
    });
  }
  logger.error('review request failed', { error: error as Error });
  return json(500, { error: { code: 'INTERNAL', message: 'the review could not be read; see the logs' } });
};

export const adminRoute =
  <P extends z.ZodMiniType, Q extends z.ZodMiniType, R extends z.ZodMiniType>(route: AdminRoute<P, Q, R>) =>
  async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyStructuredResultV2> => {
    try {
      const sub = await adminOf(event);
      const params = parsed(route.params, event.pathParameters ?? {}, 'path');
      const query = (route.query ? parsed(route.query, event.queryStringParameters ?? {}, 'query') : {}) as z.infer<Q>;
      return json(200, route.response.parse(await route.run({ params, query, sub })));
    } catch (error) {
      return failure(error);
    }
  };
