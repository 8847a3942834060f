import { loadSettings } from '../../../kernel/config';
import { myTasks } from '../aws/claims';
import { httpRoute } from '../aws/http-route';
import { openJobFor } from '../aws/open-jobs';
import { sessions } from '../aws/sessions';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'ADMIN_GROUP', 'PRESIGN_SECONDS', 'EVENT_BUS_NAME'] as const;
const settings = loadSettings(SETTINGS);

/** `GET /api/jobs/{jobId}/tasks/mine`: the caller's live leases, so a reloaded page resumes them. */
export const handler = httpRoute(
  'myTasks',
  settings,
  async ({ caller, params, now }) => ({
    tasks: await myTasks(await openJobFor(params.jobId, caller, now), caller, now, settings.PRESIGN_SECONDS),
  }),
  sessions,
);
