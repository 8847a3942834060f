import * as z from '../../../kernel/schema';
import { JobPath, type RouteSpec, TaskId } from '../contracts/api-base';

/**
 * The review routes (admins, read-only), listed in the API's `ROUTES`: a job's consolidated
 * output, filtered, and one image's every answer next to the consolidated boxes. Sources: the
 * output manifest, the worker responses and the dataset report the run wrote to S3 once the job
 * is finalized; before that, the answers so far.
 */

export const REVIEW_FILTERS = ['all', 'label', 'low-agreement', 'unlabeled', 'rejected'] as const;
export const ReviewFilter = z.enum(REVIEW_FILTERS);
export type ReviewFilter = z.infer<typeof ReviewFilter>;

/**
 * A consolidated box is of low agreement below this confidence (Ground Truth's scale, 0 to 1).
 * Confidence 0 is a box one labeler drew alone: nobody disagreed, so it is never low agreement.
 */
export const LOW_AGREEMENT_BELOW = 0.6;
export const REVIEW_PAGE_SIZE = 48;

export const ReviewQuery = z
  .object({
    filter: z._default(ReviewFilter, 'all'),
    label: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
    cursor: z.optional(z.string().check(z.regex(/^\d{1,7}$/, 'a cursor is the nextCursor of the previous page'))),
  })
  .check(
    z.refine((q) => q.filter !== 'label' || q.label !== undefined, {
      message: 'filter=label needs a label',
      path: ['label'],
    }),
  );
export type ReviewQuery = z.infer<typeof ReviewQuery>;

export const ReviewItemPath = z.extend(JobPath, { taskId: TaskId });

export const ReviewBox = z.object({
  label: z.string(),
  left: z.number(),
  top: z.number(),
  width: z.number(),
  height: z.number(),
  confidence: z.optional(z.number()),
});
export type ReviewBox = z.infer<typeof ReviewBox>;

export const ReviewRejection = z.object({ code: z.string(), message: z.string() });

export const ReviewItem = z
  .object({
    taskId: TaskId,
    sourceRef: z.string(),
    imageUrl: z.string(),
    width: z.int().check(z.nonnegative()),
    height: z.int().check(z.nonnegative()),
    /** labeled: consolidated boxes; nothing: labelers found nothing; unlabeled: no answer (failure-reason). */
    status: z.enum(['labeled', 'nothing', 'unlabeled']),
    boxes: z.array(ReviewBox),
    minConfidence: z.nullable(z.number()),
    lowAgreement: z.boolean(),
    rejections: z.array(ReviewRejection),
    failureReason: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'ReviewItem' });
export type ReviewItem = z.infer<typeof ReviewItem>;

export const ReviewCounts = z.object({
  all: z.int(),
  lowAgreement: z.int(),
  unlabeled: z.int(),
  rejected: z.int(),
  byLabel: z.record(z.string(), z.int()),
});

export const ReviewListResponse = z
  .object({
    jobId: z.string(),
    title: z.string(),
    labels: z.array(z.string()),
    workersPerObject: z.int(),
    /** True while the job is not finalized: the consolidation of the answers so far. */
    partial: z.boolean(),
    filter: ReviewFilter,
    counts: ReviewCounts,
    items: z.array(ReviewItem),
    nextCursor: z.nullable(z.string()),
    reportUrl: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'ReviewList' });
export type ReviewListResponse = z.infer<typeof ReviewListResponse>;

export const ReviewAnswer = z.object({
  labeler: z.string(),
  submittedAt: z.string(),
  nothingToLabel: z.boolean(),
  boxes: z.array(ReviewBox),
});

export const ReviewItemResponse = z
  .object({ labels: z.array(z.string()), item: ReviewItem, answers: z.array(ReviewAnswer) })
  .register(z.globalRegistry, { id: 'ReviewImage' });
export type ReviewItemResponse = z.infer<typeof ReviewItemResponse>;

export const REVIEW_ROUTES = {
  reviewJob: {
    method: 'GET',
    path: '/api/jobs/{jobId}/review',
    summary:
      "A job's consolidated result as pages of images, filtered; before finalization, of the answers so far (admins only)",
    auth: 'admin',
    params: JobPath,
    query: ReviewQuery,
    status: 200,
    response: ReviewListResponse,
    errors: [400, 401, 403, 404],
  },
  reviewImage: {
    method: 'GET',
    path: '/api/jobs/{jobId}/review/{taskId}',
    summary: "One image: every labeler's boxes and the consolidated ones (admins only)",
    auth: 'admin',
    params: ReviewItemPath,
    status: 200,
    response: ReviewItemResponse,
    errors: [400, 401, 403, 404],
  },
} as const satisfies Record<string, RouteSpec>;
