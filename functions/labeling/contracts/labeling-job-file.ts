import { LabelingBackendName } from '../../kernel/contracts/step-io';
import * as z from '../../kernel/schema';

/**
 * The part of a run's `labeling/job.json` that every backend writes (the Ground Truth and the
 * built-in job records): which backend labels the run. The rest is each backend's own.
 */
export const LabelingJobFile = z.object({ backend: LabelingBackendName });
export type LabelingJobFile = z.infer<typeof LabelingJobFile>;
