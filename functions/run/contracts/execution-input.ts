import { z } from 'zod';

/** S3 bucket naming rules (general purpose buckets). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Rekognition ProjectName: 1-255 of `[a-zA-Z0-9_.\-]` (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_CreateProject.html). */
const PROJECT_NAME = /^[a-zA-Z0-9_.-]{1,255}$/;

/**
 * Options a run may set, in the execution input or in `incoming/<batch>/batch.json`.
 * Every limit is the API's own (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html).
 */
export const RunOptions = z
  .object({
    labels: z.array(z.string()).optional(),
    taskTitle: z.string().min(1).max(128).optional(),
    taskDescription: z.string().min(1).max(255).optional(),
    workersPerObject: z.number().int().min(1).max(9).optional(),
    taskTimeLimitSeconds: z.number().int().min(30).max(28_800).optional(),
    maxConcurrentTaskCount: z.number().int().min(1).max(5000).optional(),
    autoLabeling: z.boolean().optional(),
    projectName: z.string().regex(PROJECT_NAME, 'use 1-255 of A-Z a-z 0-9 _ . -').optional(),
    train: z.boolean().optional(),
    testFraction: z.number().min(0.05).max(0.5).optional(),
    minConfidence: z.number().min(0).max(1).optional(),
  })
  .strict();
export type RunOptions = z.infer<typeof RunOptions>;

/** What `incoming/<batch>/batch.json` may hold: the same options, nothing else. */
export const BatchFile = RunOptions;
export type BatchFile = z.infer<typeof BatchFile>;

/** Where a run came from when the S3 trigger started it; kept for the audit trail. */
export const TriggerInfo = z.object({
  source: z.literal('s3'),
  key: z.string().min(1),
  sequencer: z.string().optional(),
  etag: z.string().optional(),
});

/**
 * The execution input, identical for console, CLI and S3-triggered runs.
 * `prefix` is the batch folder, e.g. `incoming/logos-2026-11/`.
 */
export const ExecutionInput = RunOptions.extend({
  bucket: z.string().regex(BUCKET_NAME, 'must be an S3 bucket name'),
  prefix: z
    .string()
    .min(1)
    .max(900)
    // The functions may read uploads only under incoming/ (least privilege), so a batch must live there.
    .refine((p) => /^incoming\/[^/]/.test(p), 'must be a batch folder under incoming/, e.g. incoming/logos-2026-11/'),
  trigger: TriggerInfo.optional(),
}).strict();
export type ExecutionInput = z.infer<typeof ExecutionInput>;
