import { loadSettings } from '../../../kernel/config';
import { httpRoute } from '../aws/http-route';
import { sessions } from '../aws/sessions';
import { putRevocation } from '../aws/table';
import { revocationOf } from '../contracts/table-items';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'ADMIN_GROUP'] as const;
const settings = loadSettings(SETTINGS);

/**
 * `POST /api/sign-out`: ends every session of the caller now. A JWT cannot be recalled, so the
 * routes refuse tokens signed in before this moment (`SESSION_REVOKED`); a new sign-in works.
 */
export const handler = httpRoute(
  'signOut',
  settings,
  async ({ caller, now }) => {
    await putRevocation(revocationOf(caller.sub, now, 'signed-out'));
    return { signedOutAt: now.toISOString() };
  },
  sessions,
);
