import { RUN_ID_TAG } from '../../kernel/rules/run-id';
/**
 * Names of the Rekognition resources one run creates. Both are derived from the run id, so a
 * retried step (or a re-driven execution) finds what it created instead of making a second one.
 */

/** ProjectName and VersionName: 1-255 of `[a-zA-Z0-9_.\-]` (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_CreateProject.html). */
export const REKOGNITION_NAME_MAX = 255;

const DISALLOWED = /[^a-zA-Z0-9_.-]+/g;

/** Replaces each run of characters Rekognition does not accept in a name with one `-`. */
export const sanitizeRekognitionName = (value: string): string => value.replace(DISALLOWED, '-');

/**
 * The project for one run: `${projectName}-${runId}`, sanitized to the ProjectName pattern and
 * at most 255 characters (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_CreateProject.html). The project name is shortened, never the run id, so two
 * runs of one project never share a name. Throws a `RangeError` when both parts are empty.
 */
export const projectNameForRun = (projectName: string, runId: string): string => {
  const suffix = sanitizeRekognitionName(runId).slice(0, REKOGNITION_NAME_MAX);
  const room = REKOGNITION_NAME_MAX - suffix.length - 1;
  const base = room > 0 ? sanitizeRekognitionName(projectName).slice(0, room) : '';
  const name = base && suffix ? `${base}-${suffix}` : base || suffix;
  if (!name) throw new RangeError('a Rekognition project name needs a project name or a run id');
  return name;
};

/**
 * The model version a run trains: the sanitized run id, at most 255 characters (VersionName,
 * https://docs.aws.amazon.com/rekognition/latest/APIReference/API_CreateProjectVersion.html). Unique within the run's own project, and the same on every retry.
 */
export const versionNameForRun = (runId: string): string => {
  const name = sanitizeRekognitionName(runId).slice(0, REKOGNITION_NAME_MAX);
  if (!name) throw new RangeError('a Rekognition model version name needs a run id');
  return name;
};

/** Tags every resource a run creates, so the console and Cost Explorer can find them by run. */
export const runTags = (runId: string): Record<string, string> => ({ [RUN_ID_TAG]: runId });
