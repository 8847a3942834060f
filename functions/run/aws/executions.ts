import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from '../../kernel/aws/sfn-client';

export type StartOutcome = { started: true; executionArn: string } | { started: false; reason: 'duplicate' };

/**
 * Starts an execution by name. Step Functions refuses a name it has seen in the last 90 days
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html), which is what makes a duplicated trigger start one run.
 */
export const startExecution = async (stateMachineArn: string, name: string, input: object): Promise<StartOutcome> => {
  try {
    const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return { started: true, executionArn: out.executionArn ?? '' };
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return { started: false, reason: 'duplicate' };
    throw error;
  }
};
