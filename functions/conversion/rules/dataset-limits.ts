import { ManifestReason } from '../../kernel/rules/reason-codes';
import type { DatasetLimits } from './rekognition-rules';

/** Why the train and test manifests are not written although lines are usable. */
export interface DatasetBlocker {
  code: ManifestReason;
  message: string;
}

export interface PlannedSets {
  train: number;
  test: number;
  /** Bytes of each manifest, when measured (only needed once the whole dataset exceeds a manifest's limit). */
  bytes?: { train: number; test: number };
}

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Checks the planned sets against Rekognition's import limits (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html) before any manifest
 * is written, so a dataset Rekognition would refuse is never produced: at most 250,000 lines per
 * manifest (fewer images per dataset in some regions), at most 1 GB per manifest, and a test set
 * that is not empty (Rekognition trains only with one; `allowEmptyTest` waives that).
 */
export const datasetBlockers = (
  sets: PlannedSets,
  limits: DatasetLimits,
  allowEmptyTest: boolean,
): DatasetBlocker[] => {
  const blockers: DatasetBlocker[] = [];
  const where = limits.region === undefined ? 'per manifest' : `per dataset in ${limits.region}`;
  for (const [name, lines, limit] of [
    ['train', sets.train, limits.trainLines],
    ['test', sets.test, limits.testLines],
  ] as const) {
    if (lines > limit) {
      blockers.push({
        code: ManifestReason.ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM,
        message: `the ${name} set would have ${count(lines)} images; Rekognition imports at most ${count(limit)} ${where}: split the input into several datasets`,
      });
    }
    const bytes = sets.bytes?.[name];
    if (bytes !== undefined && bytes > limits.manifestBytes) {
      blockers.push({
        code: ManifestReason.ERROR_MANIFEST_SIZE_TOO_LARGE,
        message: `the ${name} manifest would be ${count(bytes)} bytes; Rekognition imports at most ${count(limits.manifestBytes)} bytes per manifest: split the input into several datasets`,
      });
    }
  }
  if (sets.test === 0 && sets.train > 0 && !allowEmptyTest) {
    blockers.push({
      code: ManifestReason.ERROR_EMPTY_MANIFEST,
      message: `the test set would be empty: no label has 2 or more images (${count(sets.train)} usable), and Rekognition needs a test dataset; add images for the labels with the fewest`,
    });
  }
  return blockers;
};
