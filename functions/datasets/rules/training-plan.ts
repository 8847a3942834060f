/** A model version's status as DescribeProjectVersions reports it. */
export interface VersionStatusView {
  status?: string;
  statusMessage?: string;
}

/** What CheckTraining does next. */
export type TrainingProgress =
  | { outcome: 'trained' }
  | { outcome: 'pending' }
  | { outcome: 'failed'; message: string }
  | { outcome: 'timed-out'; message: string };

/**
 * Statuses a version reaches only after training completed: someone may start (or start and
 * stop) the model between two polls, five minutes apart (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DescribeProjectVersions.html, status enum).
 */
const TRAINED = new Set([
  'TRAINING_COMPLETED',
  'STARTING',
  'RUNNING',
  'FAILED',
  'STOPPING',
  'STOPPED',
  'DEPRECATED',
  'EXPIRED',
]);
/** The version will never finish training. */
const TERMINAL = new Set(['TRAINING_FAILED', 'DELETING']);

/**
 * Decides the next step after the `attempts`-th poll of a training version: trained, failed,
 * out of polls (`attempts >= maxPolls`), or wait. `FAILED` means the trained model failed to
 * start, so training itself succeeded (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_DescribeProjectVersions.html).
 */
export const trainingProgress = (version: VersionStatusView, attempts: number, maxPolls: number): TrainingProgress => {
  const status = version.status ?? 'unknown';
  if (TRAINED.has(status)) return { outcome: 'trained' };
  if (TERMINAL.has(status)) {
    const detail = version.statusMessage ? `: ${version.statusMessage}` : '';
    return { outcome: 'failed', message: `Rekognition could not train the model (${status})${detail}` };
  }
  if (attempts >= maxPolls) {
    return {
      outcome: 'timed-out',
      message: `Rekognition did not finish training after ${attempts} polls (${status}); the version is left in place, check it in the Rekognition console`,
    };
  }
  return { outcome: 'pending' };
};
