import type { SessionStore } from '../rules/sessions';
import { getRevocation } from './table';

export type { SessionStore };

/** The revocation records in LabelingTable (one GetItem per request: a revocation must hold at once). */
export const sessions: SessionStore = { revocation: getRevocation };
