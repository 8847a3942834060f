import * as z from '../../../kernel/schema';

/**
 * "Built-in Labeling Job Ready": a job should be finalized (every image answered, an admin closed
 * it, or it expired). The EventBridge rule routing it to finalizeBuiltinJob is this pattern
 * (infra/builtin-labeling.yml; the local EventBridge stand-in routes by the same constant).
 */
export const READY_SOURCE = 'labeling-pipeline.builtin';
export const READY_DETAIL_TYPE = 'Built-in Labeling Job Ready';
export const READY_REASONS = ['complete', 'closed', 'expired'] as const;
export type ReadyReason = (typeof READY_REASONS)[number];

export const READY_PATTERN = { source: [READY_SOURCE], 'detail-type': [READY_DETAIL_TYPE] } as const;

export const ReadyDetail = z.object({ jobId: z.string().check(z.minLength(1)), reason: z.enum(READY_REASONS) });
export type ReadyDetail = z.infer<typeof ReadyDetail>;

export const ReadyEvent = z.object({
  source: z.literal(READY_SOURCE),
  'detail-type': z.literal(READY_DETAIL_TYPE),
  detail: ReadyDetail,
});
