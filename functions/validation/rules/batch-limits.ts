/**
 * Images one Rekognition Custom Labels detection dataset holds: 250,000, except in the regions
 * with lower limits, where train holds 28,000 and test 7,000 (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html). A
 * batch becomes one train and one test dataset, so its limit is their sum there.
 */
export const DATASET_IMAGE_LIMIT = 250_000;
const LOWER_LIMIT_REGIONS: Readonly<Record<string, number>> = {
  'ap-south-1': 28_000 + 7_000,
  'eu-west-2': 28_000 + 7_000,
};

/** The most objects a batch may hold in `region` (the default limit when the region is unknown). */
export const batchObjectLimit = (region: string | undefined): number =>
  (region === undefined ? undefined : LOWER_LIMIT_REGIONS[region]) ?? DATASET_IMAGE_LIMIT;

/** Why a batch of more than `limit` objects is refused, and what to do. */
export const batchTooLargeMessage = (uri: string, limit: number): string =>
  `${uri} holds more than ${limit.toLocaleString('en-US')} objects, the most one Rekognition Custom Labels dataset accepts in this region; split it into several batches`;

/**
 * Keys per child of ValidateImages' Distributed Map: the map's ItemBatcher uses the same number.
 * A child's output (its inspections, ≤ ~740 bytes each for a 160-character key and three reasons)
 * must stay under Step Functions' 256 KiB; 250 images take 1–2 s at the bench's 2.05 GETs each.
 */
export const ITEMS_PER_BATCH = 250;

/** Child batches a listing of `items` objects makes (`ItemBatcher.MaxItemsPerBatch`). */
export const batchesFor = (items: number, perBatch = ITEMS_PER_BATCH): number => Math.ceil(items / perBatch);
