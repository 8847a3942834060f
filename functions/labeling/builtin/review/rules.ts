import type { DatasetReport } from '../../../conversion/contracts/dataset-report';
import { readOutputLine } from '../../contracts/labeling-output/read-output-line';
import { readWorkerResponse } from '../../contracts/labeling-output/worker-answers';
import { LOW_AGREEMENT_BELOW, type ReviewBox, type ReviewFilter, type ReviewItem, type ReviewQuery } from './contracts';

/**
 * The review page's view of a job, read from its output lines: one output-manifest line per
 * input image (in input order, so line i is task i), the dataset report's rejections (by
 * source-ref), and the worker responses. Pure; lines go through the labeling output's tolerant
 * reader, since a review must show even a line the conversion found malformed.
 */

export type ReviewLine = Omit<ReviewItem, 'imageUrl' | 'rejections'>;

export const taskIdOf = (index: number): string => String(index).padStart(6, '0');

const parseOrEmpty = (line: string): unknown => {
  try {
    return JSON.parse(line);
  } catch {
    return {};
  }
};

/**
 * The lowest confidence among boxes labelers agreed on, and whether it is low. A confidence of 0
 * is the built-in consolidation's mark for a box one labeler drew alone (nobody to agree with),
 * not a disagreement, so it takes no part: with one labeler per image nothing is flagged.
 */
export const agreementOf = (boxes: readonly ReviewBox[]): Pick<ReviewLine, 'minConfidence' | 'lowAgreement'> => {
  const agreed = boxes.flatMap((b) => (b.confidence === undefined || b.confidence === 0 ? [] : [b.confidence]));
  const minConfidence = agreed.length === 0 ? null : Math.min(...agreed);
  return { minConfidence, lowAgreement: minConfidence !== null && minConfidence < LOW_AGREEMENT_BELOW };
};

/** One output-manifest line as the review shows it. `labelAttributeName` is the job's name. */
export const readReviewLine = (line: string, index: number, labelAttributeName: string): ReviewLine => {
  const view = readOutputLine(parseOrEmpty(line), labelAttributeName);
  const base = { taskId: taskIdOf(index), sourceRef: view.sourceRef };
  if (!view.labeled) {
    return {
      ...base,
      width: 0,
      height: 0,
      status: 'unlabeled',
      boxes: [],
      minConfidence: null,
      lowAgreement: false,
      failureReason: view.failureReason ?? 'no answer in the output manifest',
    };
  }
  const boxes: ReviewBox[] = view.boxes.map(({ classId, label, confidence, left, top, width, height }) => ({
    label: label ?? `class ${classId}`,
    left,
    top,
    width,
    height,
    ...(confidence === undefined ? {} : { confidence }),
  }));
  return {
    ...base,
    width: view.width,
    height: view.height,
    status: boxes.length === 0 ? 'nothing' : 'labeled',
    boxes,
    ...agreementOf(boxes),
  };
};

export interface Rejection {
  code: string;
  message: string;
}

/** The dataset report's rejections by source-ref (a report lists its first rejections only; a run may have none yet). */
export const rejectionsBySource = (report: Pick<DatasetReport, 'rejected'> | undefined): Map<string, Rejection[]> => {
  const bySource = new Map<string, Rejection[]>();
  for (const r of report?.rejected ?? []) {
    if (r.sourceRef === undefined) continue;
    const message = `${r.box === undefined ? '' : `box ${r.box + 1}: `}${r.message}`;
    bySource.set(r.sourceRef, [...(bySource.get(r.sourceRef) ?? []), { code: r.code, message }]);
  }
  return bySource;
};

export type ReviewEntry = ReviewLine & { rejections: Rejection[] };

export const matchesFilter = (item: ReviewEntry, filter: ReviewFilter, label?: string): boolean => {
  switch (filter) {
    case 'all':
      return true;
    case 'label':
      return item.boxes.some((b) => b.label === label);
    case 'low-agreement':
      return item.lowAgreement;
    case 'unlabeled':
      return item.status === 'unlabeled';
    case 'rejected':
      return item.rejections.length > 0;
  }
};

export interface ReviewCounts {
  all: number;
  lowAgreement: number;
  unlabeled: number;
  rejected: number;
  byLabel: Record<string, number>;
}

/**
 * Counts every line and keeps one page of the filtered ones: memory is one page, whatever the
 * job's size. The cursor is the position among the filtered lines where the next page starts.
 */
export class ReviewPager {
  readonly counts: ReviewCounts = { all: 0, lowAgreement: 0, unlabeled: 0, rejected: 0, byLabel: {} };
  readonly page: ReviewEntry[] = [];
  private matched = 0;
  private readonly start: number;

  constructor(
    private readonly query: ReviewQuery,
    private readonly pageSize: number,
  ) {
    this.start = query.cursor === undefined ? 0 : Number(query.cursor);
  }

  add(item: ReviewEntry): void {
    const c = this.counts;
    c.all += 1;
    if (item.lowAgreement) c.lowAgreement += 1;
    if (item.status === 'unlabeled') c.unlabeled += 1;
    if (item.rejections.length > 0) c.rejected += 1;
    for (const label of new Set(item.boxes.map((b) => b.label))) c.byLabel[label] = (c.byLabel[label] ?? 0) + 1;
    if (!matchesFilter(item, this.query.filter, this.query.label)) return;
    if (this.matched >= this.start && this.page.length < this.pageSize) this.page.push(item);
    this.matched += 1;
  }

  get nextCursor(): string | null {
    const next = this.start + this.page.length;
    return next < this.matched ? String(next) : null;
  }
}

/** Each labeler's answer from a worker response, as the review shows it. */
export const readWorkerAnswers = (
  document: unknown,
): { labeler: string; submittedAt: string; nothingToLabel: boolean; boxes: ReviewBox[] }[] =>
  readWorkerResponse(document).map((a) => ({
    labeler: a.worker,
    submittedAt: a.submittedAt,
    nothingToLabel: a.boxes.length === 0,
    boxes: a.boxes,
  }));
