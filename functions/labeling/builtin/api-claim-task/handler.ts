import { loadSettings } from '../../../kernel/config';
import { claimTask } from '../aws/claims';
import { httpRoute } from '../aws/http-route';
import { openJobFor } from '../aws/open-jobs';
import { sessions } from '../aws/sessions';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'ADMIN_GROUP', 'PRESIGN_SECONDS', 'EVENT_BUS_NAME'] as const;
const settings = loadSettings(SETTINGS);

/** `POST /api/jobs/{jobId}/tasks`: lease the caller's next image. */
export const handler = httpRoute(
  'claimTask',
  settings,
  async ({ caller, params, now }) =>
    claimTask(await openJobFor(params.jobId, caller, now), caller, now, settings.PRESIGN_SECONDS),
  sessions,
);
