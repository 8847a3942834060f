import type { Context } from 'aws-lambda';

/** A Lambda context for handler tests; no `getRemainingTimeInMillis`, so middy never times out early. */
export const fakeContext = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'labeling-pipeline-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:labeling-pipeline-test',
  memoryLimitInMB: '1024',
  awsRequestId: '00000000-0000-4000-8000-000000000000',
  logGroupName: '/aws/lambda/labeling-pipeline-test',
  logStreamName: 'test',
} as unknown as Context;
