import { z } from 'zod';
import { LabelingBackendName } from '../../kernel/contracts/step-io';

/**
 * `task-tokens/<jobName>.json` in the data bucket: the token that resumes the execution waiting
 * on a labeling job. Tokens are up to 2,048 characters (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html).
 */
export const TaskTokenRecord = z.object({
  taskToken: z.string().min(1).max(2048),
  runId: z.string().min(1),
  executionName: z.string().optional(),
  createdAt: z.string(),
  /** Which backend resumes the run; absent in records written before there were two (Ground Truth). */
  backend: LabelingBackendName.optional(),
});
export type TaskTokenRecord = z.infer<typeof TaskTokenRecord>;
