import { ImageReason } from '../../kernel/rules/reason-codes';
import type { ImageVerdict, ValidationReport, ValidationTotals } from '../contracts/validation-report';
import { compareKeys, findDuplicates } from './duplicates';
import type { ImageInspection } from './image-rules';

/** One inspected object of the batch. */
export interface InspectedObject {
  key: string;
  etag?: string;
  inspection: ImageInspection;
}

/**
 * Turns per-file inspections into the report's verdicts, in S3 listing order: adds DUPLICATE to
 * every later copy of an identical object (see `findDuplicates`), naming the original. `skipped`
 * (the batch's example images) take no part in the duplicate search and are merged in key order.
 */
export const buildVerdicts = (
  objects: readonly InspectedObject[],
  skipped: readonly ImageVerdict[] = [],
): ImageVerdict[] => {
  const duplicates = findDuplicates(objects.map((o) => ({ key: o.key, size: o.inspection.bytes, etag: o.etag })));
  const verdicts = objects.map((o) => verdictOf(o, duplicates.get(o.key)));
  return [...verdicts, ...skipped].sort((a, b) => compareKeys(a.key, b.key));
};

/** One object's verdict: its inspection's reasons, plus DUPLICATE when `original` holds the same content. */
export const verdictOf = ({ key, etag, inspection }: InspectedObject, original: string | undefined): ImageVerdict => {
  const reasons = [...inspection.reasons];
  if (original !== undefined) {
    reasons.push({ code: ImageReason.DUPLICATE, message: `identical to ${original} (same ETag and size)` });
  }
  return {
    key,
    verdict: reasons.length === 0 ? 'accepted' : 'rejected',
    format: inspection.format,
    width: inspection.width,
    height: inspection.height,
    ...(inspection.orientation === null ? {} : { orientation: inspection.orientation }),
    bytes: inspection.bytes,
    ...(etag === undefined ? {} : { etag }),
    ...(original === undefined ? {} : { duplicateOf: original }),
    ...(inspection.trailer === undefined ? {} : { trailer: inspection.trailer }),
    reasons,
  };
};

/** Counts images, accepted, rejected and (when there are any) skipped, and images per reason code. */
export const tallyVerdicts = (verdicts: readonly ImageVerdict[]): ValidationTotals => {
  const byReason: Record<string, number> = {};
  let accepted = 0;
  let skipped = 0;
  for (const verdict of verdicts) {
    if (verdict.verdict === 'accepted') accepted += 1;
    if (verdict.verdict === 'skipped') skipped += 1;
    for (const code of new Set(verdict.reasons.map((r) => r.code))) byReason[code] = (byReason[code] ?? 0) + 1;
  }
  const rejected = verdicts.length - accepted - skipped;
  return { total: verdicts.length, accepted, rejected, ...(skipped === 0 ? {} : { skipped }), byReason };
};

/**
 * Serialises a report as JSON with one image per line, chunk by chunk: readable in a browser or
 * with `grep`, and a 100,000-image report is never held as one string.
 */
export function* reportChunks(report: ValidationReport): Generator<string> {
  const { images, ...head } = report;
  yield `${JSON.stringify(head).slice(0, -1)},"images":[\n`;
  for (const [i, image] of images.entries()) yield `${i === 0 ? '' : ',\n'}${JSON.stringify(image)}`;
  yield '\n]}\n';
}

/** As `reportChunks`, for images that arrive one by one (the reduce step reads them back from a spool). */
export async function* streamedReportChunks(
  head: Omit<ValidationReport, 'images'>,
  images: AsyncIterable<ImageVerdict>,
): AsyncGenerator<string> {
  yield `${JSON.stringify(head).slice(0, -1)},"images":[\n`;
  let first = true;
  for await (const image of images) {
    yield `${first ? '' : ',\n'}${JSON.stringify(image)}`;
    first = false;
  }
  yield '\n]}\n';
}
