import { READY_PATTERN } from '../../functions/labeling/builtin/contracts/ready-event';
import { executionEndedPattern } from '../../functions/labeling/contracts/execution-status-event';
import { GT_JOB_STATE_PATTERN } from '../../functions/labeling/ground-truth/contracts/gt-job-state-event';
import { batchUploadedPattern } from '../../functions/run/contracts/batch-upload-event';
import type { EventPattern } from '../stand-ins/event-patterns';

/** An EventBridge rule with one Lambda target, by its logical id in infra/event-rules.yml or infra/builtin-labeling.yml. */
export interface EventRule<P = EventPattern> {
  logicalId: string;
  pattern: P;
  /** The target function's serverless.yml key. */
  target: string;
}

/**
 * The stack's EventBridge rules, built from the patterns the contracts define. The local
 * runtime routes AWS service events with them (bucket and state machine ARN are strings); the
 * template test builds them with the template's `Ref`/`Fn::Sub` values and compares.
 */
export const pipelineEventRules = <B, A>(bucket: B, stateMachineArn: A) => [
  { logicalId: 'BatchUploadedRule', pattern: batchUploadedPattern(bucket), target: 'startPipeline' },
  { logicalId: 'LabelingJobStateChangeRule', pattern: GT_JOB_STATE_PATTERN, target: 'labelingJobEvents' },
  {
    logicalId: 'ExecutionEndedRule',
    pattern: executionEndedPattern(stateMachineArn),
    target: 'stopAbandonedLabelingJob',
  },
  // infra/builtin-labeling.yml: a built-in job is complete, closed or expired.
  { logicalId: 'BuiltinJobReadyRule', pattern: READY_PATTERN, target: 'finalizeBuiltinJob' },
];
