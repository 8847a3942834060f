/**
 * The error names the state machine catches. Each `name` is a string literal because
 * Step Functions matches `ErrorEquals` against it and esbuild's minifier renames classes.
 * `test/statemachine/error-names.test.ts` keeps this file and the ASL in step.
 */

type ErrorDetail = Record<string, unknown>;

abstract class PipelineError extends Error {
  abstract override readonly name: string;
  constructor(message: string, detail?: ErrorDetail) {
    super(message, detail === undefined ? undefined : { cause: detail });
  }
}

/** The execution input, batch.json, or a step's input does not match its contract. */
export class InvalidInput extends PipelineError {
  override readonly name = 'InvalidInput' as const;
}

/** Validation rejected every object in the batch, so there is nothing to label. */
export class NoValidImages extends PipelineError {
  override readonly name = 'NoValidImages' as const;
}

/** The batch holds more images than one Rekognition Custom Labels detection dataset accepts (250,000; 28,000 where the region's limits are lower: https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/limits.html). */
export class BatchTooLarge extends PipelineError {
  override readonly name = 'BatchTooLarge' as const;
}

/** Ground Truth reported the labeling job as Failed. */
export class LabelingJobFailed extends PipelineError {
  override readonly name = 'LabelingJobFailed' as const;
}

/** The labeling job was stopped (by a person, or by the pipeline on abort). */
export class LabelingJobStopped extends PipelineError {
  override readonly name = 'LabelingJobStopped' as const;
}

/** The wait outlived the job's 30-day expiry; the job was stopped. */
export class LabelingJobTimedOut extends PipelineError {
  override readonly name = 'LabelingJobTimedOut' as const;
}

/** The job completed without labeling a single object. */
export class NothingLabeled extends PipelineError {
  override readonly name = 'NothingLabeled' as const;
}

/** The labeled output held no line that Rekognition would accept. */
export class NoUsableLabels extends PipelineError {
  override readonly name = 'NoUsableLabels' as const;
}

/** Rekognition could not create the TRAIN or TEST dataset (or did not finish in time). */
export class DatasetCreationFailed extends PipelineError {
  override readonly name = 'DatasetCreationFailed' as const;
}

/** Rekognition could not train the model version (or did not finish in time). */
export class TrainingFailed extends PipelineError {
  override readonly name = 'TrainingFailed' as const;
}

/** Every error name the state machine may see from our own code. */
export const PIPELINE_ERROR_NAMES = [
  'InvalidInput',
  'NoValidImages',
  'BatchTooLarge',
  'LabelingJobFailed',
  'LabelingJobStopped',
  'LabelingJobTimedOut',
  'NothingLabeled',
  'NoUsableLabels',
  'DatasetCreationFailed',
  'TrainingFailed',
] as const;
