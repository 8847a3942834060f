import { LOW_AGREEMENT_BELOW, type ReviewBox, type ReviewFilter, type ReviewItem, type ReviewQuery } from './contracts';

/**
 * The review page's view of a finalized job, read from what the run wrote: one output-manifest
 * line per input image (in input order, so line i is task i), the dataset report's rejections
 * (by source-ref), and the worker-response files. Pure; read tolerantly, since a review must
 * show even a line the conversion found malformed.
 */

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

export type ReviewLine = Omit<ReviewItem, 'imageUrl' | 'rejections'>;

export const taskIdOf = (index: number): string => String(index).padStart(6, '0');

/** One output-manifest line as the review shows it. `labelAttributeName` is the job's name. */
export const readReviewLine = (line: string, index: number, labelAttributeName: string): ReviewLine => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    parsed = {};
  }
  const record = isObject(parsed) ? parsed : {};
  const sourceRef = typeof record['source-ref'] === 'string' ? record['source-ref'] : '';
  const attribute = record[labelAttributeName];
  const metadata = isObject(record[`${labelAttributeName}-metadata`])
    ? (record[`${labelAttributeName}-metadata`] as Json)
    : {};
  const base = { taskId: taskIdOf(index), sourceRef };
  if (!isObject(attribute)) {
    const reason = metadata['failure-reason'];
    return {
      ...base,
      width: 0,
      height: 0,
      status: 'unlabeled',
      boxes: [],
      minConfidence: null,
      lowAgreement: false,
      failureReason: typeof reason === 'string' ? reason : 'no answer in the output manifest',
    };
  }
  const size = Array.isArray(attribute.image_size) && isObject(attribute.image_size[0]) ? attribute.image_size[0] : {};
  const classMap = isObject(metadata['class-map']) ? metadata['class-map'] : {};
  const objects = Array.isArray(metadata.objects) ? metadata.objects : [];
  const annotations = Array.isArray(attribute.annotations) ? attribute.annotations : [];
  const boxes: ReviewBox[] = annotations.filter(isObject).map((a, i) => {
    const classId = String(num(a.class_id) ?? '');
    const confidence = num(isObject(objects[i]) ? (objects[i] as Json).confidence : undefined);
    return {
      label: typeof classMap[classId] === 'string' ? (classMap[classId] as string) : `class ${classId}`,
      left: num(a.left) ?? 0,
      top: num(a.top) ?? 0,
      width: num(a.width) ?? 0,
      height: num(a.height) ?? 0,
      ...(confidence === undefined ? {} : { confidence }),
    };
  });
  const confidences = boxes.flatMap((b) => (b.confidence === undefined ? [] : [b.confidence]));
  const minConfidence = confidences.length === 0 ? null : Math.min(...confidences);
  return {
    ...base,
    width: num((size as Json).width) ?? 0,
    height: num((size as Json).height) ?? 0,
    status: boxes.length === 0 ? 'nothing' : 'labeled',
    boxes,
    minConfidence,
    lowAgreement: minConfidence !== null && minConfidence < LOW_AGREEMENT_BELOW,
  };
};

export interface Rejection {
  code: string;
  message: string;
}

/** The dataset report's rejections by source-ref (a report lists its first rejections only). */
export const rejectionsBySource = (report: unknown): Map<string, Rejection[]> => {
  const bySource = new Map<string, Rejection[]>();
  const rejected = isObject(report) && Array.isArray(report.rejected) ? report.rejected : [];
  for (const r of rejected) {
    if (!isObject(r) || typeof r.sourceRef !== 'string' || typeof r.code !== 'string') continue;
    const box = num(r.box);
    const message = `${box === undefined ? '' : `box ${box + 1}: `}${typeof r.message === 'string' ? r.message : r.code}`;
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

/** Each labeler's answer from a worker-response document (Ground Truth's bounding-box answer format). */
export const readWorkerAnswers = (
  document: unknown,
): { labeler: string; submittedAt: string; nothingToLabel: boolean; boxes: ReviewBox[] }[] => {
  const answers = isObject(document) && Array.isArray(document.answers) ? document.answers : [];
  return answers.filter(isObject).map((a) => {
    const content = isObject(a.answerContent) ? a.answerContent : {};
    const bb = isObject(content.boundingBox) ? content.boundingBox : {};
    const raw = Array.isArray(bb.boundingBoxes) ? bb.boundingBoxes : [];
    const boxes = raw.filter(isObject).map((b) => ({
      label: typeof b.label === 'string' ? b.label : '?',
      left: num(b.left) ?? 0,
      top: num(b.top) ?? 0,
      width: num(b.width) ?? 0,
      height: num(b.height) ?? 0,
    }));
    return {
      labeler: typeof a.workerId === 'string' ? a.workerId : 'unknown',
      submittedAt: typeof a.submissionTime === 'string' ? a.submissionTime : '',
      nothingToLabel: boxes.length === 0,
      boxes,
    };
  });
};
