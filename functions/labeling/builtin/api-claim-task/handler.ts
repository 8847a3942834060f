import { httpRoute } from '../aws/http-route';
import { openJobFor } from '../aws/jobs';
import { claimTask } from '../aws/tasks';

/** `POST /api/jobs/{jobId}/tasks`: lease the caller's next image. */
export const handler = httpRoute('claimTask', async ({ caller, params, now }) =>
  claimTask(await openJobFor(params.jobId, caller, now), caller, now),
);
