import { loadSettings } from '../../../kernel/config';
import { skipTask } from '../aws/answers';
import { httpRoute } from '../aws/http-route';
import { openJobFor } from '../aws/open-jobs';
import { finalizationRequests } from '../aws/ready-events';
import { sessionsIn } from '../aws/sessions';
import { labelingTable } from '../aws/table';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'ADMIN_GROUP', 'EVENT_BUS_NAME'] as const;
const settings = loadSettings(SETTINGS);
const table = labelingTable(settings);
const sessions = sessionsIn(table);
const requestFinalization = finalizationRequests(settings.EVENT_BUS_NAME);

/** `POST /api/jobs/{jobId}/tasks/{taskId}/skip`: give the image back for good. */
export const handler = httpRoute(
  'skipTask',
  settings,
  async ({ caller, params, now }) => {
    await skipTask(
      table,
      await openJobFor(table, params.jobId, caller, now, requestFinalization),
      caller,
      params.taskId,
    );
    return { skipped: true as const };
  },
  sessions,
);
