import { DatasetSummary, RekognitionDatasets, RunContext, TrainingState } from '../../kernel/contracts/step-io';
import * as z from '../../kernel/schema';

/**
 * Inputs of the Rekognition steps. Each receives the whole state object; these schemas pick
 * the keys the step reads and ignore the rest.
 */

export const CreateDatasetInput = z.object({ run: RunContext, dataset: DatasetSummary });
export type CreateDatasetInput = z.infer<typeof CreateDatasetInput>;

/** `dataset` is optional here: it only adds the manifest URI to a failure message. */
export const CheckDatasetsInput = z.object({
  rekognition: RekognitionDatasets,
  dataset: z.optional(z.pick(DatasetSummary, { trainManifestUri: true, testManifestUri: true })),
});
export type CheckDatasetsInput = z.infer<typeof CheckDatasetsInput>;

export const TrainModelInput = z.object({ run: RunContext, rekognition: RekognitionDatasets });
export type TrainModelInput = z.infer<typeof TrainModelInput>;

export const CheckTrainingInput = z.object({
  run: RunContext,
  rekognition: RekognitionDatasets,
  training: TrainingState,
});
export type CheckTrainingInput = z.infer<typeof CheckTrainingInput>;
