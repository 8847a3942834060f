import type { Settings } from '../../kernel/config';
import type { LabelingBackendName, LabelingResult } from '../../kernel/contracts/step-io';
import type { StartLabelingJobInput } from '../contracts/labeling-steps';
import type { LabelingOutcome } from '../rules/labeling-outcome';

export interface StartLabelingJobOutput {
  jobName: string;
  backend: LabelingBackendName;
  autoLabeling: boolean;
  reusedExistingJob: boolean;
}

export type AbandonHandling =
  | { action: 'ignored'; reason: 'malformed' | 'not-abandoned' }
  | { action: 'stopped' | 'no-job' | 'not-running' | 'not-ours'; jobName: string };

/**
 * What starting a job may read of start-labeling-job's settings (its SETTINGS). Ground Truth's
 * WORKTEAM_ARN may be empty (a stack deployed for the built-in backend): that backend then
 * refuses to start.
 */
export const STARTER_SETTINGS = [
  'AWS_REGION',
  'WORKTEAM_ARN',
  'LABELING_ROLE_ARN',
  'DATA_BUCKET',
  'LABELING_TABLE',
] as const;
export type StarterSettings = Settings<(typeof STARTER_SETTINGS)[number]>;

/**
 * What start-labeling-job, reconcile-labeling-job and stop-abandoned-labeling-job need of a
 * labeling backend. Both backends run in the same wait state: `start` stores the task token
 * (through `storeToken`) before its job exists, and the job's end resumes the run by that token.
 */
export interface LabelingStarter {
  readonly name: LabelingBackendName;
  start(
    input: StartLabelingJobInput,
    storeToken: () => Promise<void>,
    settings: StarterSettings,
  ): Promise<StartLabelingJobOutput>;
}

/**
 * The rest of a backend, apart from `start`: starting needs the most (reading the manifest,
 * writing tasks or templates, answering a retried start's token), and the functions that only
 * reconcile, sweep or stop a job would otherwise carry all of it.
 */
export interface LabelingBackend {
  readonly name: LabelingBackendName;
  /** After the wait timed out: the job's result, or the typed error; a job still running is stopped. */
  reconcile(run: { runId: string; jobName: string }): Promise<LabelingResult>;
  /** The job's outcome as the backend reports it now, or `undefined` when it has no such job (for sweeps). */
  outcome(jobName: string): Promise<LabelingOutcome | undefined>;
  /** The run's execution ended without it: stop its job if it is ours and still running. */
  stopAbandoned(run: { runId: string; jobName: string }): Promise<AbandonHandling>;
}
