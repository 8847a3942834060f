import { InvalidInput } from '../../kernel/errors';

/**
 * Label limits for a bounding-box job: 1–50 labels (GT quota; https://docs.aws.amazon.com/sagemaker/latest/dg/input-data-limits.html), each unique and
 * ≤256 characters (GT `input-data-limits`, Rekognition `ERROR_INVALID_LABEL_NAME_LENGTH`; https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html).
 */
const LABEL_LIMITS = { minLabels: 1, maxLabels: 50, maxLength: 256 } as const;

const CONTROL = /\p{Cc}/u;

const show = (label: string): string => JSON.stringify(label.length > 40 ? `${label.slice(0, 40)}…` : label);

const checkOne = (raw: string, index: number): string => {
  const label = raw.trim();
  if (label === '') throw new InvalidInput(`label ${index + 1} (${show(raw)}) is empty; give every label a name`);
  if (label.length > LABEL_LIMITS.maxLength) {
    throw new InvalidInput(
      `label ${show(label)} has ${label.length} characters; labels may have at most ${LABEL_LIMITS.maxLength}`,
      { label },
    );
  }
  if (CONTROL.test(label)) {
    throw new InvalidInput(`label ${show(label)} contains a control character (e.g. a newline); remove it`, { label });
  }
  return label;
};

/**
 * Checks and normalises the label list of a run: trims each label and returns them in order, or
 * throws `InvalidInput` naming the offending label. Labels that differ only in letter case count
 * as duplicates: workers cannot tell "Logo" from "logo" in the label menu, and one of the two
 * would end up with half the boxes.
 */
export const checkLabels = (labels: readonly string[]): string[] => {
  const { minLabels, maxLabels } = LABEL_LIMITS;
  if (labels.length < minLabels) throw new InvalidInput('no labels given; a labeling job needs at least one label');
  if (labels.length > maxLabels) {
    throw new InvalidInput(`${labels.length} labels given; a bounding-box job accepts at most ${maxLabels}`, {
      count: labels.length,
    });
  }
  const seen = new Map<string, string>();
  return labels.map((raw, index) => {
    const label = checkOne(raw, index);
    const earlier = seen.get(label.toLowerCase());
    if (earlier !== undefined) {
      throw new InvalidInput(`label ${show(label)} repeats ${show(earlier)}; labels must be unique (ignoring case)`, {
        label,
      });
    }
    seen.set(label.toLowerCase(), label);
    return label;
  });
};
