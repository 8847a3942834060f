import { httpRoute } from '../aws/http-route';
import { openJobFor } from '../aws/jobs';
import { skipTask } from '../aws/tasks';

/** `POST /api/jobs/{jobId}/tasks/{taskId}/skip`: give the image back for good. */
export const handler = httpRoute('skipTask', async ({ caller, params, now }) => {
  await skipTask(await openJobFor(params.jobId, caller, now), caller, params.taskId);
  return { skipped: true as const };
});
