import {
  CaughtError,
  DatasetSummary,
  LabelingResult,
  ManifestSummary,
  RekognitionDatasets,
  RunContext,
  TrainingState,
  ValidationSummary,
} from '../../kernel/contracts/step-io';
import * as z from '../../kernel/schema';

/**
 * The whole execution state as PublishResult and PublishFailure see it. A failed run may stop
 * anywhere, even with an input that never validated, so every part is optional and a part that
 * does not parse is dropped rather than failing the announcement.
 */
const part = <S extends z.ZodMiniType>(schema: S) => z.catch(z.optional(schema), undefined);

/** The raw execution input, as InputRejected passes it: an object only when it was one. */
const RawInput = z.object({ bucket: part(z.string()), prefix: part(z.string()) });

export const RunState = z.object({
  bucket: part(z.string()),
  prefix: part(z.string()),
  input: part(RawInput),
  run: part(RunContext),
  validation: part(ValidationSummary),
  manifest: part(ManifestSummary),
  labeling: part(LabelingResult),
  dataset: part(DatasetSummary),
  rekognition: part(RekognitionDatasets),
  training: part(TrainingState),
  error: part(CaughtError),
});
export type RunState = z.infer<typeof RunState>;
