/** Who is calling, from the JWT authorizer's claims (the ID token of the labelers' user pool). */
export interface Caller {
  sub: string;
  email: string;
  groups: string[];
  admin: boolean;
}

/**
 * `cognito:groups` reaches Lambda as the string `"[admins team-a]"` through an HTTP API JWT
 * authorizer, and as a real array elsewhere (the local runtime, tests): accept both.
 */
export const parseGroups = (claim: unknown): string[] => {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string' && g.length > 0);
  if (typeof claim !== 'string') return [];
  const inner = claim.trim().replace(/^\[/, '').replace(/\]$/, '');
  return inner.split(/[\s,]+/).filter((g) => g.length > 0);
};

/** The caller of an authorized route, or `undefined` when the claims carry no subject. */
export const callerOf = (claims: Record<string, unknown> | undefined, adminGroup: string): Caller | undefined => {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) return undefined;
  const groups = parseGroups(claims?.['cognito:groups']);
  const email = typeof claims?.email === 'string' ? claims.email : '';
  return { sub, email, groups, admin: groups.includes(adminGroup) };
};

/** A job restricted to a group is open to that group's members and to admins; any other job to everyone signed in. */
export const mayWorkOn = (job: { labelerGroup?: string }, caller: Caller): boolean =>
  caller.admin || job.labelerGroup === undefined || caller.groups.includes(job.labelerGroup);
