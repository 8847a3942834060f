import { httpRoute } from '../aws/http-route';

/** `GET /api/me`: the signed-in labeler, as the token says. */
export const handler = httpRoute('me', async ({ caller }) => ({
  sub: caller.sub,
  email: caller.email,
  groups: caller.groups,
  admin: caller.admin,
}));
