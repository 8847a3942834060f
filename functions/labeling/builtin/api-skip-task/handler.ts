import { loadSettings } from '../../../kernel/config';
import { skipTask } from '../aws/answers';
import { httpRoute } from '../aws/http-route';
import { openJobFor } from '../aws/open-jobs';
import { sessions } from '../aws/sessions';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'ADMIN_GROUP', 'EVENT_BUS_NAME'] as const;
const settings = loadSettings(SETTINGS);

/** `POST /api/jobs/{jobId}/tasks/{taskId}/skip`: give the image back for good. */
export const handler = httpRoute(
  'skipTask',
  settings,
  async ({ caller, params, now }) => {
    await skipTask(await openJobFor(params.jobId, caller, now), caller, params.taskId);
    return { skipped: true as const };
  },
  sessions,
);
