import { z } from 'zod';

/** The labeling backends a run may wait on; a token without `backend` waits on Ground Truth. */
export const LABELING_BACKENDS = ['ground-truth', 'builtin'] as const;
export const LabelingBackend = z.enum(LABELING_BACKENDS);
export type LabelingBackend = z.infer<typeof LabelingBackend>;

/**
 * `task-tokens/<jobName>.json` in the data bucket: the token that resumes the execution waiting
 * on a labeling job. Tokens are up to 2,048 characters (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html).
 */
export const TaskTokenRecord = z.object({
  taskToken: z.string().min(1).max(2048),
  runId: z.string().min(1),
  executionName: z.string().optional(),
  createdAt: z.string(),
  /** Which backend runs the job; absent means `ground-truth` (records written before there were two). */
  backend: LabelingBackend.optional(),
});
export type TaskTokenRecord = z.infer<typeof TaskTokenRecord>;
