import { httpRoute } from '../aws/http-route';
import { openJobFor } from '../aws/jobs';
import { myTasks } from '../aws/tasks';

/** `GET /api/jobs/{jobId}/tasks/mine`: the caller's live leases, so a reloaded page resumes them. */
export const handler = httpRoute('myTasks', async ({ caller, params, now }) => ({
  tasks: await myTasks(await openJobFor(params.jobId, caller, now), caller, now),
}));
