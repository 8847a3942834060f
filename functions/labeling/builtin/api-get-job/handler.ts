import { httpRoute } from '../aws/http-route';
import { jobFor, jobView } from '../aws/jobs';
import { presignRead } from '../aws/presign';
import { getLabeler } from '../aws/table';

/** `GET /api/jobs/{jobId}`: the job, its instructions and its example images (presigned). */
export const handler = httpRoute('getJob', async ({ caller, params, now }) => {
  const job = await jobFor(params.jobId, caller);
  const examples = await Promise.all(
    job.examples.map(async (e) => ({
      url: (await presignRead(job.bucket, e.key, now)).url,
      kind: e.kind,
      caption: e.caption,
    })),
  );
  return { ...jobView(job, await getLabeler(job.jobId, caller.sub)), examples };
});
