import {
  GROUND_TRUTH_REGIONS,
  groundTruthRegionNames,
  isGroundTruthRegion,
} from '../../../../functions/labeling/ground-truth/contracts/ground-truth-regions';
import { boundingBoxArns } from '../../../../functions/labeling/ground-truth/rules/ground-truth-regions';

// The table of https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HumanTaskConfig.html, written out independently of the module under test.
const DOCUMENTED = [
  ['us-east-1', '432418664414'],
  ['us-east-2', '266458841044'],
  ['us-west-2', '081040173940'],
  ['ca-central-1', '918755190332'],
  ['eu-west-1', '568282634449'],
  ['eu-west-2', '487402164563'],
  ['eu-central-1', '203001061592'],
  ['ap-northeast-1', '477331159723'],
  ['ap-northeast-2', '845288260483'],
  ['ap-south-1', '565803892007'],
  ['ap-southeast-1', '377565633583'],
  ['ap-southeast-2', '454466003867'],
] as const;

describe('ground-truth-regions', () => {
  it('lists exactly the 12 documented regions', () => {
    expect(Object.entries(GROUND_TRUTH_REGIONS)).toEqual(DOCUMENTED);
    expect(groundTruthRegionNames()).toHaveLength(12);
  });

  it.each(DOCUMENTED)('builds the PRE-, ACS- and auto-labeling ARNs for %s', (region, account) => {
    expect(boundingBoxArns(region)).toEqual({
      region,
      preHumanTaskLambdaArn: `arn:aws:lambda:${region}:${account}:function:PRE-BoundingBox`,
      annotationConsolidationLambdaArn: `arn:aws:lambda:${region}:${account}:function:ACS-BoundingBox`,
      autoLabelingAlgorithmArn: `arn:aws:sagemaker:${region}:027400017018:labeling-job-algorithm-specification/object-detection`,
    });
  });

  it('rejects an unsupported region with a message listing the supported ones', () => {
    expect(() => boundingBoxArns('eu-north-1')).toThrow(RangeError);
    expect(() => boundingBoxArns('eu-north-1')).toThrow(
      /not available in region "eu-north-1".*us-east-1, us-east-2.*ap-southeast-2/,
    );
  });

  it('does not mistake inherited object keys for regions', () => {
    expect(isGroundTruthRegion('constructor')).toBe(false);
    expect(isGroundTruthRegion('toString')).toBe(false);
    expect(isGroundTruthRegion('us-west-2')).toBe(true);
  });
});
