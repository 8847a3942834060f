import { loadSettings } from '../../../kernel/config';
import { httpRoute } from '../aws/http-route';
import { jobFor, jobView } from '../aws/jobs';
import { presignRead } from '../aws/presign';
import { sessions } from '../aws/sessions';
import { getLabeler } from '../aws/table';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'ADMIN_GROUP', 'PRESIGN_SECONDS'] as const;
const settings = loadSettings(SETTINGS);

/** `GET /api/jobs/{jobId}`: the job, its instructions and its example images (presigned). */
export const handler = httpRoute(
  'getJob',
  settings,
  async ({ caller, params, now }) => {
    const job = await jobFor(params.jobId, caller);
    const examples = await Promise.all(
      job.examples.map(async (e) => ({
        url: (await presignRead(job.bucket, e.key, now, settings.PRESIGN_SECONDS)).url,
        kind: e.kind,
        caption: e.caption,
      })),
    );
    return { ...jobView(job, await getLabeler(job.jobId, caller.sub)), examples };
  },
  sessions,
);
