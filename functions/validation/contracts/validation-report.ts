import { ImageReason } from '../../kernel/rules/reason-codes';
import * as z from '../../kernel/schema';

/**
 * `runs/<runId>/validation.json`: every object of the batch with its verdict. ValidateImages
 * writes it, BuildManifest reads the accepted images back from it, and people read it to learn
 * why an image was left out.
 */
export const ImageRejection = z.object({
  code: z.enum(ImageReason),
  message: z.string(),
});

export const ImageVerdict = z.object({
  key: z.string().check(z.minLength(1)),
  /** `skipped`: an example image of the instructions (reason EXAMPLE_IMAGE), never labeled and never rejected. */
  verdict: z.enum(['accepted', 'rejected', 'skipped']),
  format: z.nullable(z.enum(['jpeg', 'png'])),
  /** As displayed: the EXIF orientation applied (a quarter-turned 800×600 JPEG is 600×800). */
  width: z.nullable(z.int()),
  height: z.nullable(z.int()),
  /** EXIF orientation, 1–8 (1: none, or shown as stored); absent when the header could not be read. */
  orientation: z.optional(z.int().check(z.minimum(1), z.maximum(8))),
  bytes: z.int().check(z.nonnegative()),
  etag: z.optional(z.string()),
  duplicateOf: z.optional(z.string()),
  /**
   * A JPEG that goes on after its end marker with data a phone appends: a motion photo's video
   * (located by its XMP, starting with an MP4 `ftyp` box) or a Samsung trailer (`SEFH`…`SEFT`).
   */
  trailer: z.optional(z.enum(['motion-photo', 'samsung-trailer'])),
  reasons: z.array(ImageRejection),
});
export type ImageVerdict = z.infer<typeof ImageVerdict>;

export const ValidationTotals = z.object({
  total: z.int(),
  accepted: z.int(),
  rejected: z.int(),
  /** Example images skipped (EXAMPLE_IMAGE); present only when there are any. */
  skipped: z.optional(z.int()),
  /** Images per reason code; an image with two reasons counts under both. */
  byReason: z.record(z.string(), z.int()),
});
export type ValidationTotals = z.infer<typeof ValidationTotals>;

export const ValidationReport = z.object({
  version: z.literal(1),
  runId: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  validatedAt: z.string(),
  totals: ValidationTotals,
  images: z.array(ImageVerdict),
});
export type ValidationReport = z.infer<typeof ValidationReport>;

/** The keys the labeling stage sends to labeling: accepted images, in listing order. */
export const acceptedKeys = (report: ValidationReport): string[] =>
  report.images.filter((i) => i.verdict === 'accepted').map((i) => i.key);
