import { EventBridgeEvent } from '../../../kernel/contracts/eventbridge-event';
import * as z from '../../../kernel/schema';

/**
 * "SageMaker Ground Truth Labeling Job State Change" (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-monitor-cloud-watch.html). `detail` carries only the
 * status; the job is named by `resources[0]` (`arn:...:labeling-job/<name>`). Only Completed,
 * Failed and Stopped are documented as emitted, so the rule filters on them.
 */
export const GT_JOB_STATE_SOURCE = 'aws.sagemaker';
export const GT_JOB_STATE_DETAIL_TYPE = 'SageMaker Ground Truth Labeling Job State Change';
export const GT_TERMINAL_STATUSES = ['Completed', 'Failed', 'Stopped'] as const;

export const GtJobStateEvent = z.extend(EventBridgeEvent, {
  source: z.literal(GT_JOB_STATE_SOURCE),
  'detail-type': z.literal(GT_JOB_STATE_DETAIL_TYPE),
  resources: z.array(z.string()).check(z.minLength(1)),
  detail: z.object({ LabelingJobStatus: z.string() }),
});
export type GtJobStateEvent = z.infer<typeof GtJobStateEvent>;

/**
 * The LabelingJobStateChangeRule pattern (infra/event-rules.yml): the template test compares the
 * deployed one with it, and the local runtime routes events with it.
 */
export const GT_JOB_STATE_PATTERN = {
  source: [GT_JOB_STATE_SOURCE],
  'detail-type': [GT_JOB_STATE_DETAIL_TYPE],
  detail: { LabelingJobStatus: [...GT_TERMINAL_STATUSES] },
} as const;
