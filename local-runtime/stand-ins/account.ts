import { ACCOUNT_ID, REGION, ServiceError } from './json-protocol';
import type { QueryParams, QueryStandInService, XmlValue } from './query-protocol';

/** A stack as `DescribeStacks` shows it: its status and its outputs. */
export interface StandInStack {
  name: string;
  status: string;
  outputs: Record<string, string>;
}

/**
 * STS (`GetCallerIdentity`) and CloudFormation (`DescribeStacks`) stand-ins: who the caller is,
 * and the stacks deployed "in" this account, registered by tests or the local runtime.
 */
export class AccountStandIn {
  private readonly stacks = new Map<string, StandInStack>();

  constructor(private readonly callerArn = `arn:aws:iam::${ACCOUNT_ID}:user/local-developer`) {}

  putStack(stack: StandInStack): void {
    this.stacks.set(stack.name, stack);
  }

  readonly sts: QueryStandInService = {
    version: '2011-06-15',
    xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
    operations: {
      GetCallerIdentity: () => ({ Arn: this.callerArn, UserId: 'AIDALOCALDEVELOPER', Account: ACCOUNT_ID }),
    },
  };

  readonly cloudFormation: QueryStandInService = {
    version: '2010-05-15',
    xmlns: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
    operations: {
      DescribeStacks: (params: QueryParams) => {
        const name = params.StackName ?? '';
        const stack = this.stacks.get(name);
        if (stack === undefined) throw new ServiceError('ValidationError', `Stack with id ${name} does not exist`);
        const outputs: XmlValue[] = Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({
          OutputKey,
          OutputValue,
        }));
        return {
          Stacks: [
            {
              StackName: stack.name,
              StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/${stack.name}/local`,
              CreationTime: '2026-11-01T10:00:00.000Z',
              StackStatus: stack.status,
              Outputs: outputs,
            },
          ],
        };
      },
    },
  };
}
