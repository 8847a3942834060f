import { datasetBlockers } from '../../../functions/conversion/rules/dataset-limits';
import { datasetLimits } from '../../../functions/conversion/rules/rekognition-rules';

describe('dataset-limits', () => {
  it('uses 250,000 lines and 1 GB per manifest, and the smaller dataset limits of ap-south-1 and eu-west-2', () => {
    expect(datasetLimits()).toEqual({ trainLines: 250_000, testLines: 250_000, manifestBytes: 1_000_000_000 });
    expect(datasetLimits('us-east-1')).toEqual(datasetLimits());
    expect(datasetLimits('eu-west-2')).toEqual({
      trainLines: 28_000,
      testLines: 7_000,
      manifestBytes: 1_000_000_000,
      region: 'eu-west-2',
    });
    expect(datasetLimits('ap-south-1')).toMatchObject({ trainLines: 28_000, testLines: 7_000 });
  });

  it('refuses the 298,000-line train set that 300,000 valid lines give, naming the limit', () => {
    expect(datasetBlockers({ train: 298_000, test: 2_000 }, datasetLimits(), false)).toEqual([
      {
        code: 'ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM',
        message:
          'the train set would have 298,000 images; Rekognition imports at most 250,000 per manifest: split the input into several datasets',
      },
    ]);
  });

  it('accepts sets of exactly the limits', () => {
    const limits = datasetLimits('eu-west-2');

    expect(datasetBlockers({ train: 250_000, test: 250_000 }, datasetLimits(), false)).toEqual([]);
    expect(datasetBlockers({ train: 28_000, test: 7_000, bytes: { train: 1e9, test: 1 } }, limits, false)).toEqual([]);
  });

  it('names the region when its smaller dataset limit is what is broken', () => {
    const [blocker] = datasetBlockers({ train: 20_000, test: 7_001 }, datasetLimits('ap-south-1'), false);

    expect(blocker?.message).toContain('at most 7,000 per dataset in ap-south-1');
  });

  it('refuses a manifest over 1 GB once its size is measured', () => {
    const blockers = datasetBlockers(
      { train: 10, test: 2, bytes: { train: 1_000_000_001, test: 10 } },
      datasetLimits(),
      false,
    );

    expect(blockers.map((b) => b.code)).toEqual(['ERROR_MANIFEST_SIZE_TOO_LARGE']);
  });

  it('refuses an empty test set unless it is allowed, and says nothing about an empty dataset', () => {
    expect(datasetBlockers({ train: 1, test: 0 }, datasetLimits(), false).map((b) => b.code)).toEqual([
      'ERROR_EMPTY_MANIFEST',
    ]);
    expect(datasetBlockers({ train: 1, test: 0 }, datasetLimits(), true)).toEqual([]);
    expect(datasetBlockers({ train: 0, test: 0 }, datasetLimits(), false)).toEqual([]);
  });
});
