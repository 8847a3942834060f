import { claimTask } from '../functions/labeling/builtin/aws/claims';
import { BATCH_WRITE_SIZE, batchPut, putJobIfAbsent } from '../functions/labeling/builtin/aws/table';
import { planImageItem, planJobItem } from '../functions/labeling/builtin/rules/job-plan';
import { LOCAL_BUCKET } from '../local-runtime/stack/local-environment';
import { type BenchLabeler, benchLabeler } from './bench-labelers';

/** Three labelers per image: enough open tasks for every timed claim and every seeded lease. */
const IMAGES = 200;

/**
 * An open built-in job with its images written, straight into the local table the environment
 * points the handlers at: the labeling API's routes then answer real requests against it.
 * `answerers` labelers (`benchLabeler('answerer', i)`) each hold one leased task, so each timed
 * answer is a first answer to a live lease, not a resend the API takes as a duplicate.
 */
export const seedBenchJob = async (
  answerers: number,
): Promise<{ jobId: string; leases: { labeler: BenchLabeler; taskId: string }[] }> => {
  const jobName = `bench-${Date.now()}`;
  const run = {
    runId: jobName,
    jobName,
    bucket: LOCAL_BUCKET,
    runPrefix: `runs/${jobName}`,
    labelAttributeName: 'logo-boxes',
    taskTitle: 'Draw a box around each logo',
    taskDescription: 'Draw a box around each logo',
    workersPerObject: 3,
    taskTimeLimitSeconds: 600,
  };
  const job = { ...planJobItem(run, ['acme', 'globex', 'initech'], IMAGES, new Date()), imagesWritten: true };
  await putJobIfAbsent(job);
  const sizes = new Map(
    Array.from({ length: IMAGES }, (_, i) => [`incoming/bench/${i}.jpg`, { width: 640, height: 480 }]),
  );
  const images = Array.from({ length: IMAGES }, (_, i) =>
    planImageItem(jobName, i, `s3://${LOCAL_BUCKET}/incoming/bench/${i}.jpg`, sizes),
  );
  for (let i = 0; i < images.length; i += BATCH_WRITE_SIZE) await batchPut(images.slice(i, i + BATCH_WRITE_SIZE));
  const leases = [];
  for (let i = 0; i < answerers; i++) {
    const labeler = benchLabeler('answerer', i);
    const claim = await claimTask(job, labeler, new Date(), 300);
    if (!claim.task) throw new Error(`the seeded job leased no task to ${labeler.sub} (${claim.reason})`);
    leases.push({ labeler, taskId: claim.task.taskId });
  }
  return { jobId: jobName, leases };
};
