import { loadSettings } from '../../../kernel/config';
import { httpRoute } from '../aws/http-route';
import { sessions } from '../aws/sessions';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'ADMIN_GROUP'] as const;
const settings = loadSettings(SETTINGS);

/** `GET /api/me`: the signed-in labeler, as the token says. */
export const handler = httpRoute(
  'me',
  settings,
  async ({ caller }) => ({
    sub: caller.sub,
    email: caller.email,
    groups: caller.groups,
    admin: caller.admin,
  }),
  sessions,
);
