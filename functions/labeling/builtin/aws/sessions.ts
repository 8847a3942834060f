import type { SessionStore } from '../rules/sessions';
import { getRevocation, type LabelingTable } from './table';

export type { SessionStore };

/** The revocation records in LabelingTable (one GetItem per request: a revocation must hold at once). */
export const sessionsIn = (table: LabelingTable): SessionStore => ({
  revocation: (sub) => getRevocation(table, sub),
});
