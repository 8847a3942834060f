import { loadSettings } from '../../../kernel/config';
import { httpRoute } from '../aws/http-route';
import { jobView } from '../aws/jobs';
import { sessions } from '../aws/sessions';
import { allJobs, getLabeler } from '../aws/table';
import type { Job } from '../contracts/api';
import { mayWorkOn } from '../rules/caller';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['LABELING_TABLE', 'ADMIN_GROUP'] as const;
const settings = loadSettings(SETTINGS);

/** `GET /api/jobs`: open jobs the caller may work on; admins see every job, and ended ones with `?status=all`. */
export const handler = httpRoute(
  'listJobs',
  settings,
  async ({ caller, query }) => {
    const everything = caller.admin && query.status === 'all';
    const jobs: Job[] = [];
    for await (const job of allJobs()) {
      if (!job.imagesWritten || !mayWorkOn(job, caller)) continue;
      if (!everything && job.status !== 'open') continue;
      jobs.push(jobView(job, await getLabeler(job.jobId, caller.sub)));
    }
    return { jobs };
  },
  sessions,
);
