import { getRevocation } from './table';

/** What the routes ask about a caller's sessions; `httpRoute` takes it for every route that needs a sign-in. */
export interface SessionStore {
  revocation(sub: string): Promise<{ revokedAt: number } | undefined>;
}

/** The revocation records in LabelingTable (one GetItem per request: a revocation must hold at once). */
export const sessions: SessionStore = { revocation: getRevocation };
