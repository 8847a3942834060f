import { type DatasetBlocker, datasetBlockers } from './dataset-limits';
import type { DatasetLimits } from './rekognition-rules';
import { hashSourceRef } from './split';

/**
 * The pure rules of appending a batch to a project that grows batch by batch: which of the
 * batch's dataset lines are new to the project, the project's totals after the batch, the
 * limits checked on the cumulative dataset, and UpdateDatasetEntries payloads under 5 MB
 * (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_UpdateDatasetEntries.html).
 * Not wired into a run yet: batch.json has no `"dataset"` option. The conversion owns these
 * rules because the cumulative manifests are conversion output.
 */

export type DatasetSet = 'train' | 'test';

/** One image of the project or of the batch: its source-ref, content hash (validation.json), set and labels. */
export interface AppendImage {
  sourceRef: string;
  /** The image's content hash, when known: the same picture under another key is the same image. */
  contentHash?: string;
  set: DatasetSet;
  labels: readonly string[];
}

/** What `admit` decided for a batch image. */
export type Admission = 'added' | 'same-source-ref' | 'same-content';

export interface LabelTotals {
  train: number;
  test: number;
}

/** Per label: images in the project before the batch, and those the batch added. */
export interface AppendTotals {
  project: { train: number; test: number; labels: Record<string, LabelTotals> };
  added: { train: number; test: number; labels: Record<string, LabelTotals> };
  skipped: { sameSourceRef: number; sameContent: number };
}

const tallyInto = (into: AppendTotals['project'], image: AppendImage): void => {
  into[image.set] += 1;
  for (const label of new Set(image.labels)) {
    const counts = into.labels[label] ?? { train: 0, test: 0 };
    counts[image.set] += 1;
    into.labels[label] = counts;
  }
};

/**
 * What a project holds, by the 53-bit hash of each source-ref and each content hash (some
 * 16 bytes per image), plus the totals per label. The split is decided per image elsewhere
 * (split.ts); an image the project has keeps the side it has, because it is not added again.
 */
export class ProjectIndex {
  private readonly refs = new Set<number>();
  private readonly contents = new Set<number>();
  private readonly totals: AppendTotals = {
    project: { train: 0, test: 0, labels: {} },
    added: { train: 0, test: 0, labels: {} },
    skipped: { sameSourceRef: 0, sameContent: 0 },
  };

  /** Records an image the project already holds (read from its cumulative manifests). */
  hold(image: AppendImage): void {
    this.remember(image);
    tallyInto(this.totals.project, image);
  }

  /** Decides for a batch image: added (and remembered), or skipped as one the project has. */
  admit(image: AppendImage): Admission {
    if (this.refs.has(hashSourceRef(image.sourceRef))) {
      this.totals.skipped.sameSourceRef += 1;
      return 'same-source-ref';
    }
    if (image.contentHash !== undefined && this.contents.has(hashSourceRef(image.contentHash))) {
      this.totals.skipped.sameContent += 1;
      return 'same-content';
    }
    this.remember(image);
    tallyInto(this.totals.added, image);
    return 'added';
  }

  /** The project's totals before the batch, what the batch added, and what it skipped. */
  report(): AppendTotals {
    return structuredClone(this.totals);
  }

  /**
   * Rekognition's limits on the cumulative dataset (the project's images plus the added ones),
   * checked before anything is written. `bytes` are the cumulative manifests' sizes when known.
   */
  blockers(limits: DatasetLimits, bytes?: { train: number; test: number }): DatasetBlocker[] {
    const { project, added } = this.totals;
    const sets = { train: project.train + added.train, test: project.test + added.test, bytes };
    return datasetBlockers(sets, limits, false);
  }

  private remember(image: AppendImage): void {
    this.refs.add(hashSourceRef(image.sourceRef));
    if (image.contentHash !== undefined) this.contents.add(hashSourceRef(image.contentHash));
  }
}

/** `Changes.GroundTruth` must be less than 5 MB (5,242,880 bytes) per UpdateDatasetEntries call. */
export const MAX_CHANGES_BYTES = 5_242_880;

/** A line that alone is as large as an UpdateDatasetEntries call may be. */
export class EntryTooLarge extends Error {
  override readonly name = 'EntryTooLarge' as const;
}

/**
 * Groups JSON lines (without newlines) into UpdateDatasetEntries payloads, each the lines joined
 * with and ended by `\n`, in input order, each under `maxBytes` UTF-8 bytes. Memory holds one payload.
 */
export async function* entryChunks(
  lines: AsyncIterable<string> | Iterable<string>,
  maxBytes = MAX_CHANGES_BYTES,
): AsyncGenerator<string> {
  let parts: string[] = [];
  let size = 0;
  for await (const line of lines) {
    const bytes = Buffer.byteLength(line) + 1;
    if (bytes >= maxBytes) {
      throw new EntryTooLarge(`a line of ${bytes} bytes cannot go into one UpdateDatasetEntries call (< ${maxBytes})`);
    }
    if (size + bytes >= maxBytes) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
    parts.push(`${line}\n`);
    size += bytes;
  }
  if (parts.length > 0) yield parts.join('');
}
