import { loadSettings } from '../../../kernel/config';
import { ApiError, httpRoute } from '../aws/http-route';
import { jobFor } from '../aws/jobs';
import { requestFinalization } from '../aws/ready-events';
import { sessions } from '../aws/sessions';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'ADMIN_GROUP', 'EVENT_BUS_NAME'] as const;
const settings = loadSettings(SETTINGS);

/** `POST /api/jobs/{jobId}/close` (admins): end the job now; finalization writes what was answered. */
export const handler = httpRoute(
  'closeJob',
  settings,
  async ({ caller, params }) => {
    const job = await jobFor(params.jobId, caller);
    if (job.status !== 'open')
      throw new ApiError(410, 'JOB_CLOSED', `job ${job.jobId} is already ${job.status}`, 'jobId');
    await requestFinalization({ jobId: job.jobId, reason: 'closed' });
    return { status: 'finalizing' as const };
  },
  sessions,
);
