import { readJsonIfExists } from '../../../kernel/aws/s3-objects';
import { InvalidInput } from '../../../kernel/errors';
import { logger } from '../../../kernel/observability';
import { parseS3Uri } from '../../../kernel/rules/s3-uri';
import * as z from '../../../kernel/schema';
import { ImageVerdict } from '../../../validation/contracts/validation-report';
import { countOversizeImages } from '../rules/auto-labeling';

/**
 * The part of `validation.json` (validation/contracts/validation-report.ts) that the auto-labeling
 * decision needs: each image's verdict and dimensions. Other keys are ignored.
 */
export const ValidationReportDimensions = z.object({
  images: z.array(z.pick(ImageVerdict, { verdict: true, width: true, height: true })),
});
export type ValidationReportDimensions = z.infer<typeof ValidationReportDimensions>;

/**
 * Counts accepted images above the auto-labeling resolution in the validation report, or
 * returns `undefined` when the report is missing or unreadable (the caller then keeps
 * auto-labeling off rather than risk a failed job).
 */
export const readOversizeImageCount = async (reportUri: string): Promise<number | undefined> => {
  const { bucket, key } = parseS3Uri(reportUri);
  let report: ValidationReportDimensions | undefined;
  try {
    report = await readJsonIfExists(bucket, key, ValidationReportDimensions);
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    logger.warn('validation report has no image dimensions', { reportUri, problem: error.message });
    return undefined;
  }
  if (report === undefined) {
    logger.warn('validation report missing', { reportUri });
    return undefined;
  }
  return countOversizeImages(report.images.map((i) => ({ ...i, accepted: i.verdict === 'accepted' })));
};
