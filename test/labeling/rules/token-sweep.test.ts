import { isDueForSweep, SWEEP_MIN_TOKEN_AGE_MS, sweepDecision } from '../../../functions/labeling/rules/token-sweep';

describe('token-sweep', () => {
  const written = new Date('2026-11-25T12:00:00Z');

  it('asks about a token only once it is an hour old', () => {
    expect(SWEEP_MIN_TOKEN_AGE_MS).toBe(3_600_000);
    expect(isDueForSweep(written, new Date('2026-11-25T12:59:59Z'))).toBe(false);
    expect(isDueForSweep(written, new Date('2026-11-25T13:00:00Z'))).toBe(true);
  });

  it('leaves a token whose job still runs', () => {
    expect(sweepDecision('job-1', { kind: 'running', status: 'InProgress' })).toEqual({
      action: 'leave',
      status: 'InProgress',
    });
  });

  it('resumes with the outcome of an ended job, success or failure', () => {
    const failed = { kind: 'failed', error: 'LabelingJobStopped', cause: 'labeling job job-1 was stopped' } as const;

    expect(sweepDecision('job-1', failed)).toEqual({ action: 'resume', outcome: failed });
  });

  it('fails the wait with LabelingJobFailed when the backend has no such job', () => {
    expect(sweepDecision('job-1', undefined)).toEqual({
      action: 'resume',
      outcome: { kind: 'failed', error: 'LabelingJobFailed', cause: expect.stringContaining('job-1 does not exist') },
    });
  });
});
