import {
  GROUND_TRUTH_REGIONS,
  type GroundTruthRegion,
  groundTruthRegionNames,
  isGroundTruthRegion,
} from '../contracts/ground-truth-regions';

/**
 * Automated data labeling for object detection: one documented account, 027400017018, with the
 * region substituted (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HumanTaskConfig.html).
 */
const AUTO_LABELING_ACCOUNT = '027400017018';

export interface BoundingBoxArns {
  region: GroundTruthRegion;
  preHumanTaskLambdaArn: string;
  annotationConsolidationLambdaArn: string;
  autoLabelingAlgorithmArn: string;
}

/**
 * The built-in ARNs a bounding-box job needs in `region` (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HumanTaskConfig.html). Throws a `RangeError`
 * listing the supported regions when Ground Truth has no built-in functions there.
 */
export const boundingBoxArns = (region: string): BoundingBoxArns => {
  if (!isGroundTruthRegion(region)) {
    throw new RangeError(
      `Ground Truth bounding-box jobs are not available in region ${JSON.stringify(region)}; ` +
        `deploy to one of: ${groundTruthRegionNames().join(', ')}`,
    );
  }
  const account = GROUND_TRUTH_REGIONS[region];
  return {
    region,
    preHumanTaskLambdaArn: `arn:aws:lambda:${region}:${account}:function:PRE-BoundingBox`,
    annotationConsolidationLambdaArn: `arn:aws:lambda:${region}:${account}:function:ACS-BoundingBox`,
    autoLabelingAlgorithmArn: `arn:aws:sagemaker:${region}:${AUTO_LABELING_ACCOUNT}:labeling-job-algorithm-specification/object-detection`,
  };
};
