import { validateRekognitionManifest } from './rekognition-manifest';

/**
 * A dataset's entries as the Rekognition stand-in keeps them: one JSON line per image, keyed by
 * its `source-ref`, so UpdateDatasetEntries can add or replace lines the way the service does
 * (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_UpdateDatasetEntries.html).
 */
export type DatasetEntries = Map<string, string>;

/** `Changes.GroundTruth` must be less than 5 MB (5,242,880 bytes) per call. */
export const MAX_CHANGES_BYTES = 5_242_880;

/** More than 20 % invalid lines, cumulatively, fails the import (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html). */
const MAX_INVALID_SHARE = 0.2;

export interface EntryStats {
  LabeledEntries: number;
  TotalEntries: number;
  TotalLabels: number;
  ErrorEntries: number;
}

/** What applying a manifest (on create) or a batch of changes (on update) did. */
export type EntryChange =
  | { ok: true; entries: DatasetEntries; stats: EntryStats }
  | { ok: false; message: string; errorEntries: number };

const sourceRefOf = (line: string): string | undefined => {
  try {
    const ref = (JSON.parse(line) as Record<string, unknown>)['source-ref'];
    return typeof ref === 'string' ? ref : undefined;
  } catch {
    return undefined;
  }
};

/** The stats DescribeDataset reports for these entries. */
export const statsOf = (entries: DatasetEntries, errorEntries = 0): EntryStats => {
  const result = validateRekognitionManifest(entries.values());
  return {
    LabeledEntries: result.labeled,
    TotalEntries: entries.size,
    TotalLabels: result.labels.length,
    ErrorEntries: errorEntries,
  };
};

/**
 * Applies JSON lines to `current` under Rekognition's rules: the lines are validated as an import
 * is, more than 20 % invalid (or a manifest-wide error) fails the whole change and leaves the
 * entries as they were; otherwise every valid line adds its image, or replaces the entry with the
 * same `source-ref`. Invalid lines are counted, not stored. `current` is never modified.
 */
export const applyEntryLines = (current: DatasetEntries, lines: readonly string[]): EntryChange => {
  const result = validateRekognitionManifest(lines);
  const terminal = result.invalid.find((e) => e.line === 0);
  const invalidLines = new Set(result.invalid.filter((e) => e.line > 0).map((e) => e.line));
  if (terminal)
    return { ok: false, message: `${terminal.code}: ${terminal.message}.`, errorEntries: invalidLines.size };
  if (result.entries > 0 && invalidLines.size / result.entries > MAX_INVALID_SHARE) {
    const first = result.invalid.find((e) => e.line > 0);
    const example = first ? ` First error, line ${first.line}: ${first.code} ${first.message}.` : '';
    return {
      ok: false,
      message: `ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST: ${invalidLines.size} of ${result.entries} lines are invalid (more than 20%).${example}`,
      errorEntries: invalidLines.size,
    };
  }
  const entries = new Map(current);
  lines.forEach((line, i) => {
    const ref = invalidLines.has(i + 1) || line.trim() === '' ? undefined : sourceRefOf(line);
    if (ref !== undefined) entries.set(ref, line);
  });
  return { ok: true, entries, stats: statsOf(entries, invalidLines.size) };
};
