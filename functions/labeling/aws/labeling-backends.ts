import type { LabelingBackend, TaskTokenRecord } from '../contracts/task-token-record';
import { describeLabelingJob } from '../ground-truth/aws/labeling-jobs';
import { type LabelingOutcome, labelingOutcome } from '../rules/labeling-outcome';

/** A job's outcome as its backend reports it, or `undefined` when the backend has no such job. */
export type JobOutcomeLookup = (jobName: string) => Promise<LabelingOutcome | undefined>;

/**
 * One status lookup per backend, in the backend-neutral terms of `labelingOutcome`. A backend
 * plugs in by adding its lookup here; until then its tokens are reported, not guessed at.
 */
const LOOKUPS: Partial<Record<LabelingBackend, JobOutcomeLookup>> = {
  'ground-truth': async (jobName) => {
    const job = await describeLabelingJob(jobName);
    return job === undefined ? undefined : labelingOutcome(job);
  },
};

/** The backend a token waits on: its `backend` field, or Ground Truth for records without one. */
export const backendOf = (record: TaskTokenRecord): LabelingBackend => record.backend ?? 'ground-truth';

/** The status lookup of `backend`, or `undefined` when this deployment has none for it. */
export const jobOutcomeLookup = (backend: LabelingBackend): JobOutcomeLookup | undefined => LOOKUPS[backend];
