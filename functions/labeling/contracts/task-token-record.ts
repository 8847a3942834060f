import { LabelingBackendName } from '../../kernel/contracts/step-io';
import * as z from '../../kernel/schema';

/**
 * `task-tokens/<jobName>.json` in the data bucket: the token that resumes the execution waiting
 * on a labeling job. Tokens are up to 2,048 characters (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html).
 */
export const TaskTokenRecord = z.object({
  taskToken: z.string().check(z.minLength(1), z.maxLength(2048)),
  runId: z.string().check(z.minLength(1)),
  executionName: z.optional(z.string()),
  createdAt: z.string(),
  /** Which backend resumes the run; absent in records written before there were two (Ground Truth). */
  backend: z.optional(LabelingBackendName),
});
export type TaskTokenRecord = z.infer<typeof TaskTokenRecord>;
