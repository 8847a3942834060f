/**
 * The regions where Ground Truth publishes its built-in bounding-box Lambdas, and the account
 * that owns them there (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HumanTaskConfig.html). The docs list
 * exactly these 12 regions; a job anywhere else has no PRE-/ACS- function to call.
 */
export const GROUND_TRUTH_REGIONS = {
  'us-east-1': '432418664414',
  'us-east-2': '266458841044',
  'us-west-2': '081040173940',
  'ca-central-1': '918755190332',
  'eu-west-1': '568282634449',
  'eu-west-2': '487402164563',
  'eu-central-1': '203001061592',
  'ap-northeast-1': '477331159723',
  'ap-northeast-2': '845288260483',
  'ap-south-1': '565803892007',
  'ap-southeast-1': '377565633583',
  'ap-southeast-2': '454466003867',
} as const;

export type GroundTruthRegion = keyof typeof GROUND_TRUTH_REGIONS;

/** The supported region names, in table order. */
export const groundTruthRegionNames = (): GroundTruthRegion[] =>
  Object.keys(GROUND_TRUTH_REGIONS) as GroundTruthRegion[];

export const isGroundTruthRegion = (region: string): region is GroundTruthRegion =>
  Object.hasOwn(GROUND_TRUTH_REGIONS, region);
