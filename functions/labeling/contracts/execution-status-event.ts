import { EventBridgeEvent } from '../../kernel/contracts/eventbridge-event';
import * as z from '../../kernel/schema';

/**
 * "Step Functions Execution Status Change" from `aws.states` (EventBridge reference,
 * events-ref-states). `detail.name` is the execution name, from which the run id derives.
 */
export const EXECUTION_STATUS_SOURCE = 'aws.states';
export const EXECUTION_STATUS_DETAIL_TYPE = 'Step Functions Execution Status Change';
/** The endings that can leave a labeling job running behind them. */
export const ABANDONING_STATUSES = ['FAILED', 'ABORTED', 'TIMED_OUT'] as const;

export const ExecutionStatusEvent = z.extend(EventBridgeEvent, {
  source: z.literal(EXECUTION_STATUS_SOURCE),
  'detail-type': z.literal(EXECUTION_STATUS_DETAIL_TYPE),
  detail: z.object({
    executionArn: z.string(),
    stateMachineArn: z.string(),
    name: z.string().check(z.minLength(1)),
    status: z.string(),
  }),
});
export type ExecutionStatusEvent = z.infer<typeof ExecutionStatusEvent>;

/**
 * The ExecutionEndedRule pattern (infra/event-rules.yml) for one state machine: the template
 * test compares the deployed one with it, and the local runtime routes events with it.
 */
export const executionEndedPattern = <A>(stateMachineArn: A) => ({
  source: [EXECUTION_STATUS_SOURCE],
  'detail-type': [EXECUTION_STATUS_DETAIL_TYPE],
  detail: { status: [...ABANDONING_STATUSES], stateMachineArn: [stateMachineArn] },
});
