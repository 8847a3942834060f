import { ImageReason } from '../../kernel/rules/reason-codes';
import * as z from '../../kernel/schema';

/**
 * What ValidateImages' Distributed Map hands its children and writes for the reduce step
 * (Step Functions Developer Guide: `input-output-itemreader`, `input-output-itembatcher`,
 * `input-output-resultwriter`).
 */

/** One object as the ItemReader's ListObjectsV2 lists it (`Etag`, `Key`, `Size`, ...). */
export const ListedItem = z.object({
  Key: z.string().check(z.minLength(1)),
  Size: z.int().check(z.nonnegative()),
  Etag: z.optional(z.string()),
});
export type ListedItem = z.infer<typeof ListedItem>;

/** A child's input: its batch of listed objects, plus the batch folder (`ItemBatcher.BatchInput`). */
export const ImageBatchInput = z.object({
  Items: z.array(ListedItem),
  BatchInput: z.object({
    bucket: z.string(),
    prefix: z.string(),
    /** batch.json's `examples` keys (PlanValidation's `exampleKeys`): listed as skipped, never read. */
    exampleKeys: z._default(z.array(z.string()), []),
  }),
});
export type ImageBatchInput = z.infer<typeof ImageBatchInput>;

/** One inspected object, as a child returns it and ResultWriter writes it (one JSON line each). */
export const InspectedLine = z.object({
  key: z.string().check(z.minLength(1)),
  etag: z.optional(z.string()),
  /** An example image of the instructions: skipped (EXAMPLE_IMAGE), never read. */
  example: z.optional(z.literal(true)),
  inspection: z.object({
    format: z.nullable(z.enum(['jpeg', 'png'])),
    width: z.nullable(z.int()),
    height: z.nullable(z.int()),
    orientation: z.nullable(z.int()),
    bytes: z.int().check(z.nonnegative()),
    reasons: z.array(z.object({ code: z.enum(ImageReason), message: z.string() })),
    trailer: z.optional(z.enum(['motion-photo', 'samsung-trailer'])),
  }),
});
export type InspectedLine = z.infer<typeof InspectedLine>;

const ResultFile = z.object({ Key: z.string(), Size: z.optional(z.int()) });

/** `<Prefix>/<map run id>/manifest.json`: where the map run's result files are, by child status. */
export const ResultManifest = z.object({
  DestinationBucket: z.string(),
  MapRunArn: z.string(),
  ResultFiles: z.object({
    SUCCEEDED: z._default(z.array(ResultFile), []),
    FAILED: z._default(z.array(ResultFile), []),
    PENDING: z._default(z.array(ResultFile), []),
  }),
});
export type ResultManifest = z.infer<typeof ResultManifest>;

/** A failed child in a FAILED file: written untransformed, with its input as a JSON string. */
export const FailedChild = z.object({
  Input: z.string(),
  Error: z.optional(z.string()),
  Cause: z.optional(z.string()),
});

/** What the Distributed Map state returns when ResultWriter exports its results. */
export const MapRunOutput = z.object({
  MapRunArn: z.string(),
  ResultWriterDetails: z.object({ Bucket: z.string(), Key: z.string() }),
});
export type MapRunOutput = z.infer<typeof MapRunOutput>;

/** Written by PlanValidation at `$.validationPlan`: read by the map's ItemReader, ItemBatcher and ResultWriter. */
export const ValidationPlan = z.object({
  objects: z.int(),
  listPrefix: z.string(),
  exampleKeys: z.array(z.string()),
  batches: z.int(),
  itemsPerBatch: z.int(),
  maxConcurrency: z.int(),
  toleratedFailurePercentage: z.int(),
  resultsPrefix: z.string(),
});
export type ValidationPlan = z.infer<typeof ValidationPlan>;
