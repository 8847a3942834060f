import { loadSettings } from '../../../kernel/config';
import { answerTask } from '../aws/answers';
import { httpRoute } from '../aws/http-route';
import { progressOf } from '../aws/jobs';
import { openJobFor } from '../aws/open-jobs';
import { sessions } from '../aws/sessions';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'ADMIN_GROUP', 'EVENT_BUS_NAME'] as const;
const settings = loadSettings(SETTINGS);

/** `POST /api/jobs/{jobId}/tasks/{taskId}/answer`: record the caller's boxes for a leased image. */
export const handler = httpRoute(
  'answerTask',
  settings,
  async ({ caller, params, body, now }) => {
    const job = await openJobFor(params.jobId, caller, now);
    const outcome = await answerTask(job, caller, params.taskId, body, now);
    return {
      accepted: true as const,
      duplicate: outcome.duplicate,
      progress: progressOf(outcome.job, outcome.myAnswers),
    };
  },
  sessions,
);
