import * as z from '../../../kernel/schema';
import { Box, JobStatus } from './api';

/**
 * The items of `LabelingTable` (infra/builtin-labeling.yml). One partition per job:
 * - the job item, sk `JOB`, also in the sparse `JobsIndex` (jobsPk = `JOB`);
 * - one item per image, sk `IMG#<taskId>`, holding its leases, answers and skips, so one
 *   conditional UpdateItem records an answer, consumes the lease and counts it (no transactions:
 *   dynalite has none); while it still needs answers it carries `openJob`/`openSort` and so sits
 *   in the sparse `OpenImagesIndex` the claim pages through;
 * - one item per labeler, sk `LABELER#<sub>`, holding that labeler's leases in this job.
 * Every item carries `version`, bumped by each write, for optimistic concurrency.
 */
export const TABLE_INDEXES = { openImages: 'OpenImagesIndex', jobs: 'JobsIndex' } as const;
export const JOBS_PK = 'JOB';

export const jobKey = (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'JOB' as const });
export const imageKey = (jobId: string, taskId: string) => ({ pk: `JOB#${jobId}`, sk: `IMG#${taskId}` });
export const labelerKey = (jobId: string, sub: string) => ({ pk: `JOB#${jobId}`, sk: `LABELER#${sub}` });
export const IMAGE_SK_PREFIX = 'IMG#';
/**
 * A labeler's sessions ended (signed out, or removed by an admin): one item per Cognito `sub`.
 * The API's JWT authorizer cannot know of it, so every route refuses a token signed in before it.
 */
export const revocationKey = (sub: string) => ({ pk: `REVOKED#${sub}`, sk: 'REVOKED' as const });
export const REVOCATION_PK_PREFIX = 'REVOKED#';

/** The image's zero-padded index in the input manifest: sorts as the manifest does. */
export const taskIdOf = (index: number): string => String(index).padStart(6, '0');

export const ExampleRef = z.object({ key: z.string(), kind: z.enum(['good', 'bad']), caption: z.string() });

export const JobItem = z.object({
  pk: z.string(),
  sk: z.literal('JOB'),
  jobsPk: z.literal(JOBS_PK),
  jobId: z.string(),
  runId: z.string(),
  title: z.string(),
  labels: z.array(z.string()),
  instructions: z.string(),
  examples: z.array(ExampleRef),
  labelerGroup: z.optional(z.string()),
  status: JobStatus,
  imageCount: z.int(),
  workersPerObject: z.int(),
  taskTimeLimitSeconds: z.int(),
  answersReceived: z.int(),
  imagesComplete: z.int(),
  createdAt: z.string(),
  expiresAt: z.string(),
  bucket: z.string(),
  runPrefix: z.string(),
  labelAttributeName: z.string(),
  /** `s3://.../labeling/output/` as Ground Truth's S3OutputPath. */
  outputPath: z.string(),
  /** False until every image item is written: labelers see the job only then, so a retried start may rewrite them. */
  imagesWritten: z.boolean(),
  /** Set when finalization starts, so a stuck one can be taken over. */
  finalizingSince: z.optional(z.string()),
  finalReason: z.optional(z.enum(['complete', 'closed', 'expired'])),
  /** The LabelingResult finalization delivered, for the reconcile path. */
  outputManifestS3Uri: z.optional(z.string()),
  labelCounters: z.optional(z.record(z.string(), z.number())),
  version: z.int(),
});
export type JobItem = z.infer<typeof JobItem>;

export const Lease = z.object({ expiresAt: z.string(), claimedAt: z.string() });
export type Lease = z.infer<typeof Lease>;

export const StoredAnswer = z.object({
  boxes: z.array(Box),
  nothingToLabel: z.boolean(),
  durationMs: z.optional(z.int()),
  claimedAt: z.string(),
  submittedAt: z.string(),
  email: z.optional(z.string()),
});
export type StoredAnswer = z.infer<typeof StoredAnswer>;

export const ImageItem = z.object({
  pk: z.string(),
  sk: z.string(),
  taskId: z.string(),
  sourceRef: z.string(),
  width: z.int(),
  height: z.int(),
  answerCount: z.int(),
  answers: z.record(z.string(), StoredAnswer),
  leases: z.record(z.string(), Lease),
  answeredBy: z.optional(z.array(z.string())),
  skippedBy: z.optional(z.array(z.string())),
  openJob: z.optional(z.string()),
  openSort: z.optional(z.string()),
  version: z.int(),
});
export type ImageItem = z.infer<typeof ImageItem>;

export const LabelerItem = z.object({
  pk: z.string(),
  sk: z.string(),
  sub: z.string(),
  /** taskId -> lease expiry. */
  leases: z.record(z.string(), z.string()),
  answers: z.int(),
  /** Where this labeler's next claim starts paging the open images. */
  cursor: z.optional(z.string()),
  version: z.int(),
});
export type LabelerItem = z.infer<typeof LabelerItem>;

export const RevocationItem = z.object({
  pk: z.string(),
  sk: z.literal('REVOKED'),
  sub: z.string(),
  /** Seconds since the epoch: a token whose sign-in (`auth_time`) is at or before it no longer counts. */
  revokedAt: z.int(),
  reason: z.enum(['signed-out', 'removed']),
});
export type RevocationItem = z.infer<typeof RevocationItem>;

/** The record that ends every session of `sub` signed in up to `now`. */
export const revocationOf = (sub: string, now: Date, reason: RevocationItem['reason']): RevocationItem => ({
  ...revocationKey(sub),
  sub,
  revokedAt: Math.floor(now.getTime() / 1000),
  reason,
});
