import { batchesFor, batchObjectLimit, batchTooLargeMessage } from '../../../functions/validation/rules/batch-limits';

describe('batch-limits', () => {
  it("takes Rekognition's 250,000 images per detection dataset as the batch limit", () => {
    expect(batchObjectLimit('us-east-1')).toBe(250_000);
    expect(batchObjectLimit(undefined)).toBe(250_000);
  });

  it('takes train 28,000 plus test 7,000 where the region has the lower limits', () => {
    expect(batchObjectLimit('ap-south-1')).toBe(35_000);
    expect(batchObjectLimit('eu-west-2')).toBe(35_000);
  });

  it('names the limit and what to do in the refusal', () => {
    expect(batchTooLargeMessage('s3://b/incoming/x/', 250_000)).toBe(
      's3://b/incoming/x/ holds more than 250,000 objects, the most one Rekognition Custom Labels dataset accepts in this region; split it into several batches',
    );
  });

  it('counts the child batches of a listing', () => {
    expect(batchesFor(0)).toBe(0);
    expect(batchesFor(2501)).toBe(11);
    expect(batchesFor(250_000)).toBe(1000);
  });
});
