/**
 * Where the built-in backend can deploy: it needs nothing of Ground Truth, but the pipeline ends
 * in a Rekognition Custom Labels dataset, so the region must offer Custom Labels. Custom Labels'
 * "Guidelines and quotas" page sends readers to the Rekognition endpoints page for its regions:
 * https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html
 * https://docs.aws.amazon.com/general/latest/gr/rekognition.html
 * (US East (N. Virginia, Ohio), US West (Oregon), Europe (Ireland, London, Frankfurt), Asia
 * Pacific (Mumbai, Singapore, Sydney, Tokyo, Seoul), as checked 2026-12-01.)
 */
export const CUSTOM_LABELS_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ap-northeast-2',
] as const;

export const isCustomLabelsRegion = (region: string): boolean =>
  (CUSTOM_LABELS_REGIONS as readonly string[]).includes(region);
