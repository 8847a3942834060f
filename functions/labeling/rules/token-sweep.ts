import type { LabelingOutcome } from './labeling-outcome';

/**
 * A token younger than this is left alone: its job was created moments ago, or its completion
 * event is still on its way (EventBridge delivers within seconds to minutes).
 */
export const SWEEP_MIN_TOKEN_AGE_MS = 60 * 60 * 1000;

/** True when a token written at `writtenAt` is old enough for the sweep to ask about its job at `now`. */
export const isDueForSweep = (writtenAt: Date, now: Date, minAgeMs = SWEEP_MIN_TOKEN_AGE_MS): boolean =>
  now.getTime() - writtenAt.getTime() >= minAgeMs;

export type SweepDecision =
  | { action: 'leave'; status: string }
  | { action: 'resume'; outcome: Exclude<LabelingOutcome, { kind: 'running' }> };

/**
 * What the sweep does with a token whose job is in `outcome`: a job still running keeps its
 * token (its event, the next sweep or the wait's timeout resumes the run); an ended job resumes
 * the run with the same outcome the event path would deliver; a job the backend does not know
 * (never created, or deleted) fails the wait with `LabelingJobFailed`, as ReconcileLabelingJob does.
 */
export const sweepDecision = (jobName: string, outcome: LabelingOutcome | undefined): SweepDecision => {
  if (outcome === undefined) {
    return {
      action: 'resume',
      outcome: {
        kind: 'failed',
        error: 'LabelingJobFailed',
        cause: `labeling job ${jobName} does not exist; it was never created or has been deleted`,
      },
    };
  }
  if (outcome.kind === 'running') return { action: 'leave', status: outcome.status };
  return { action: 'resume', outcome };
};
