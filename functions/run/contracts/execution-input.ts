import { ExportFormatName, LabelingBackendName, LabelingExample } from '../../kernel/contracts/step-io';
import * as z from '../../kernel/schema';

/** S3 bucket naming rules (general purpose buckets). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Rekognition ProjectName: 1-255 of `[a-zA-Z0-9_.\-]` (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_CreateProject.html). */
const PROJECT_NAME = /^[a-zA-Z0-9_.-]{1,255}$/;

/**
 * Options a run may set, in the execution input or in `incoming/<batch>/batch.json`.
 * Every limit is the API's own (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html).
 */
export const RunOptions = z.strictObject({
  labels: z.optional(z.array(z.string())),
  taskTitle: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  taskDescription: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
  workersPerObject: z.optional(z.int().check(z.minimum(1), z.maximum(9))),
  taskTimeLimitSeconds: z.optional(z.int().check(z.minimum(30), z.maximum(28_800))),
  maxConcurrentTaskCount: z.optional(z.int().check(z.minimum(1), z.maximum(5000))),
  autoLabeling: z.optional(z.boolean()),
  projectName: z.optional(z.string().check(z.regex(PROJECT_NAME, 'use 1-255 of A-Z a-z 0-9 _ . -'))),
  train: z.optional(z.boolean()),
  testFraction: z.optional(z.number().check(z.minimum(0.05), z.maximum(0.5))),
  minConfidence: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  /** Overrides the stage's `labelingBackend` parameter for this run. */
  labelingBackend: z.optional(LabelingBackendName),
  /** How many days labelers may work on the job (Ground Truth's private-workforce maximum is 30). */
  taskAvailabilityDays: z.optional(z.int().check(z.minimum(1), z.maximum(30))),
  instructions: z.optional(z.string().check(z.minLength(1), z.maxLength(20_000))),
  examples: z.optional(z.array(LabelingExample).check(z.maxLength(10))),
  // Cognito group names: 1-128 printable characters without spaces (kept simple and safe here).
  labelerGroup: z.optional(
    z.string().check(z.regex(/^[\w+=,.@-]{1,128}$/, 'use 1-128 of letters, digits and + = , . @ _ -')),
  ),
  /** Label formats written next to the dataset manifests, e.g. `["coco", "yolo", "voc"]`. */
  exports: z.optional(z.array(ExportFormatName).check(z.maxLength(3))),
});
export type RunOptions = z.infer<typeof RunOptions>;

/** What `incoming/<batch>/batch.json` may hold: the same options, nothing else. */
export const BatchFile = RunOptions;
export type BatchFile = z.infer<typeof BatchFile>;

/** Where a run came from when the S3 trigger started it; kept for the audit trail. */
export const TriggerInfo = z.object({
  source: z.literal('s3'),
  key: z.string().check(z.minLength(1)),
  sequencer: z.optional(z.string()),
  etag: z.optional(z.string()),
});

/**
 * The execution input, identical for console, CLI and S3-triggered runs.
 * `prefix` is the batch folder, e.g. `incoming/logos-2026-11/`. Strict like `RunOptions`: `z.extend` keeps
 * its refusal of unknown keys.
 */
export const ExecutionInput = z.extend(RunOptions, {
  bucket: z.string().check(z.regex(BUCKET_NAME, 'must be an S3 bucket name')),
  prefix: z.string().check(
    z.minLength(1),
    z.maxLength(900),
    // The functions may read uploads only under incoming/ (least privilege), so a batch must live there.
    z.refine((p) => /^incoming\/[^/]/.test(p), 'must be a batch folder under incoming/, e.g. incoming/logos-2026-11/'),
  ),
  trigger: z.optional(TriggerInfo),
});
export type ExecutionInput = z.infer<typeof ExecutionInput>;
