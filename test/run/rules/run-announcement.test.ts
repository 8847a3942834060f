import { failedDetail, readableCause, succeededDetail } from '../../../functions/run/rules/run-announcement';

describe('run-announcement', () => {
  it('extracts the message of a Lambda error cause', () => {
    const cause = JSON.stringify({ errorType: 'NothingLabeled', errorMessage: 'job labeled nothing', trace: [] });

    expect(readableCause(cause)).toBe('job labeled nothing');
    expect(readableCause('States.Timeout after 32 days')).toBe('States.Timeout after 32 days');
  });

  it('describes a failure that happened before the run was prepared', () => {
    const detail = failedDetail({
      bucket: 'b',
      prefix: 'incoming/logos/',
      error: { Error: 'InvalidInput', Cause: 'x' },
    });

    expect(detail).toMatchObject({ batch: 'logos', bucket: 'b', error: { name: 'InvalidInput', cause: 'x' } });
    expect(detail.runId).toBeUndefined();
  });

  it('lists only the locations the run has written', () => {
    const detail = succeededDetail({
      validation: { total: 2, accepted: 2, rejected: 0, byReason: {}, reportUri: 's3://b/runs/r/validation.json' },
    });

    expect(detail.locations).toEqual({ validationReport: 's3://b/runs/r/validation.json' });
    expect(detail.counts.images).toBe(2);
  });
});
