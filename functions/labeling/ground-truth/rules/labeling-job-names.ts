import { InvalidInput } from '../../../kernel/errors';

/** `LabelingJobName`: 1-63 chars, `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}` (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html). */
const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const JOB_NAME_MAX = 63;

/** `LabelAttributeName`: 1-127 chars of the same pattern (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html). */
const ATTRIBUTE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,126}$/;
const ATTRIBUTE_NAME_MAX = 127;

/**
 * Checks a labeling job name. SageMaker treats names case-insensitively and the event's ARN
 * carries the lower-case form, so we insist on lower case: the token key then matches the
 * event exactly (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-monitor-cloud-watch.html). Throws `InvalidInput` saying what to fix.
 */
export const checkLabelingJobName = (name: string): string => {
  if (name.length === 0 || name.length > JOB_NAME_MAX) {
    throw new InvalidInput(`labeling job name must be 1-${JOB_NAME_MAX} characters, got ${name.length}`, { name });
  }
  if (!JOB_NAME.test(name)) {
    throw new InvalidInput(
      `labeling job name ${JSON.stringify(name)} may hold only letters, digits and inner hyphens`,
      { name },
    );
  }
  if (name !== name.toLowerCase()) {
    throw new InvalidInput(`labeling job name ${JSON.stringify(name)} must be lower case`, { name });
  }
  return name;
};

/**
 * Checks a bounding-box `LabelAttributeName`: the API pattern, and neither a `-ref` suffix
 * (reserved for segmentation and point-cloud jobs) nor a `-metadata` suffix (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html).
 */
export const checkLabelAttributeName = (name: string): string => {
  if (name.length === 0 || name.length > ATTRIBUTE_NAME_MAX || !ATTRIBUTE_NAME.test(name)) {
    throw new InvalidInput(
      `label attribute name ${JSON.stringify(name)} must be 1-${ATTRIBUTE_NAME_MAX} letters, digits and inner hyphens`,
      { name },
    );
  }
  const lower = name.toLowerCase();
  for (const suffix of ['-ref', '-metadata']) {
    if (lower.endsWith(suffix)) {
      throw new InvalidInput(
        `label attribute name ${JSON.stringify(name)} must not end with "${suffix}" for a bounding-box job`,
        { name },
      );
    }
  }
  return name;
};

const LABELING_JOB_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:labeling-job\/([^/]+)$/;

/**
 * The lower-case job name in a labeling-job ARN (`arn:...:labeling-job/<name>`, the
 * `resources[0]` of a Ground Truth state-change event; https://docs.aws.amazon.com/sagemaker/latest/dg/sms-monitor-cloud-watch.html), or `undefined` when the
 * ARN names something else.
 */
export const labelingJobNameFromArn = (arn: string): string | undefined => {
  const name = LABELING_JOB_ARN.exec(arn)?.[1];
  return name === undefined ? undefined : name.toLowerCase();
};
