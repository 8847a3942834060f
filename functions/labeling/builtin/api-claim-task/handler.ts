import { loadSettings } from '../../../kernel/config';
import { claimTask } from '../aws/claims';
import { httpRoute } from '../aws/http-route';
import { openJobFor } from '../aws/open-jobs';
import { finalizationRequests } from '../aws/ready-events';
import { sessionsIn } from '../aws/sessions';
import { labelingTable } from '../aws/table';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'ADMIN_GROUP', 'PRESIGN_SECONDS', 'EVENT_BUS_NAME'] as const;
const settings = loadSettings(SETTINGS);
const table = labelingTable(settings);
const sessions = sessionsIn(table);
const requestFinalization = finalizationRequests(settings.EVENT_BUS_NAME);

/** `POST /api/jobs/{jobId}/tasks`: lease the caller's next image. */
export const handler = httpRoute(
  'claimTask',
  settings,
  async ({ caller, params, now }) =>
    claimTask(
      table,
      await openJobFor(table, params.jobId, caller, now, requestFinalization),
      caller,
      now,
      settings.PRESIGN_SECONDS,
    ),
  sessions,
);
