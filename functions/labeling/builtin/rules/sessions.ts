import type { RevocationItem } from '../contracts/table-items';

/**
 * Which tokens count. The HTTP API's JWT authorizer checks signature, issuer, expiry and the app
 * client (`aud` of an ID token, `client_id` of an access token), so both of Cognito's tokens pass
 * it; the API is documented to take the ID token (it carries the email and groups), so the routes
 * accept only that one. And a JWT stays valid until it expires (60 minutes here), so the routes also
 * refuse a token whose sign-in came before its labeler's revocation (sign-out, removal).
 * Claims arrive as strings through API Gateway (`"1733600000"`), as numbers locally.
 */
export type Claims = Record<string, unknown> | undefined;

/** Cognito's `token_use`: `id` in ID tokens, `access` in access tokens. */
export const isIdToken = (claims: Claims): boolean => claims?.token_use === 'id';

/** When the token's session signed in, in seconds: `auth_time` survives refreshes, `iat` does not. */
export const signedInAt = (claims: Claims): number | undefined => {
  const value = Number(claims?.auth_time ?? claims?.iat);
  return Number.isFinite(value) ? value : undefined;
};

/**
 * Whether a revocation ends this token: it signed in at or before the revocation's second (a
 * token without a sign-in time is refused too). A sign-in after it counts again.
 */
export const isRevoked = (claims: Claims, revocation: Pick<RevocationItem, 'revokedAt'> | undefined): boolean =>
  revocation !== undefined && (signedInAt(claims) ?? 0) <= revocation.revokedAt;

/** What the routes ask about a caller's sessions; `httpRoute` takes it for every route that needs a sign-in. */
export interface SessionStore {
  revocation(sub: string): Promise<{ revokedAt: number } | undefined>;
}
