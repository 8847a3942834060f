import { executionEndedPattern } from '../../functions/labeling/contracts/execution-status-event';
import { batchUploadedPattern } from '../../functions/run/contracts/batch-upload-event';
import { matchesPattern } from '../../local-runtime/stand-ins/event-patterns';

const upload = (bucket: string, key: string) => ({
  source: 'aws.s3',
  'detail-type': 'Object Created',
  detail: { bucket: { name: bucket }, object: { key, size: 2 } },
});
const ended = (status: string, stateMachineArn = 'arn:sm') => ({
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  detail: { status, stateMachineArn, name: 'run-1' },
});

describe('EventBridge patterns, locally', () => {
  it('matches a batch.json upload of its bucket and no other key or bucket', () => {
    const pattern = batchUploadedPattern('data');

    expect(matchesPattern(pattern, upload('data', 'incoming/logos/batch.json'))).toBe(true);
    expect(matchesPattern(pattern, upload('data', 'incoming/logos/a.png'))).toBe(false);
    expect(matchesPattern(pattern, upload('other', 'incoming/logos/batch.json'))).toBe(false);
    expect(matchesPattern(pattern, { ...upload('data', 'incoming/logos/batch.json'), source: 'aws.s4' })).toBe(false);
  });

  it('matches the endings that may leave a job behind, of this state machine only', () => {
    const pattern = executionEndedPattern('arn:sm');

    expect(['FAILED', 'ABORTED', 'TIMED_OUT'].map((s) => matchesPattern(pattern, ended(s)))).toEqual([
      true,
      true,
      true,
    ]);
    expect(matchesPattern(pattern, ended('SUCCEEDED'))).toBe(false);
    expect(matchesPattern(pattern, ended('FAILED', 'arn:other'))).toBe(false);
    expect(matchesPattern(pattern, { source: 'aws.states' })).toBe(false);
  });

  it('refuses an operator it does not implement rather than guess', () => {
    expect(() =>
      matchesPattern({ detail: { key: [{ prefix: 'incoming/' }] } }, { detail: { key: 'incoming/x' } }),
    ).toThrow('event pattern operator not supported locally');
  });
});
