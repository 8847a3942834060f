import { getTextIfExists } from '../../kernel/aws/s3-objects';
import { logger } from '../../kernel/observability';
import { parseS3Uri } from '../../kernel/rules/s3-uri';
import { ValidationReportDimensions } from '../contracts/labeling-steps';
import { countOversizeImages } from '../ground-truth/rules/auto-labeling';

/**
 * Counts accepted images above the auto-labeling resolution in the validation report, or
 * returns `undefined` when the report is missing or unreadable (the caller then keeps
 * auto-labeling off rather than risk a failed job).
 */
export const readOversizeImageCount = async (reportUri: string): Promise<number | undefined> => {
  const { bucket, key } = parseS3Uri(reportUri);
  const text = await getTextIfExists(bucket, key);
  if (text === undefined) {
    logger.warn('validation report missing', { reportUri });
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    logger.warn('validation report is not json', { reportUri });
    return undefined;
  }
  const parsed = ValidationReportDimensions.safeParse(json);
  if (!parsed.success) {
    logger.warn('validation report has no image dimensions', { reportUri });
    return undefined;
  }
  return countOversizeImages(parsed.data.images.map((i) => ({ ...i, accepted: i.verdict === 'accepted' })));
};
