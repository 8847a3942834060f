import { SendTaskFailureCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { hasErrorName } from '../../kernel/aws/sdk-errors';
import { sfn } from '../../kernel/aws/sfn-client';
import type { LabelingOutcome } from '../rules/labeling-outcome';

export type FinishedOutcome = Exclude<LabelingOutcome, { kind: 'running' }>;

/**
 * Errors meaning the waiting task is already closed (resumed by a duplicate event, timed out,
 * or its execution ended): the callback has nothing left to do (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html).
 */
const ALREADY_CLOSED = ['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'];

export type CallbackResult = 'delivered' | 'already-closed';

const deliver = async (send: () => Promise<unknown>): Promise<CallbackResult> => {
  try {
    await send();
    return 'delivered';
  } catch (error) {
    if (hasErrorName(error, ...ALREADY_CLOSED)) return 'already-closed';
    throw error;
  }
};

export const sendTaskSuccess = (taskToken: string, output: unknown): Promise<CallbackResult> =>
  deliver(() => sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));

/** `error` ≤ 256 and `cause` ≤ 32,768 characters (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html); callers keep within them. */
export const sendTaskFailure = (taskToken: string, error: string, cause: string): Promise<CallbackResult> =>
  deliver(() => sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })));

/** Resumes the waiting execution with a finished job's outcome (success, or the error name the ASL catches). */
export const deliverOutcome = (taskToken: string, outcome: FinishedOutcome): Promise<CallbackResult> =>
  outcome.kind === 'completed'
    ? sendTaskSuccess(taskToken, outcome.result)
    : sendTaskFailure(taskToken, outcome.error, outcome.cause);
