import type { LabelingResult } from '../../kernel/contracts/step-io';
import { LabelingJobFailed, LabelingJobStopped, NothingLabeled } from '../../kernel/errors';

/** The error names a finished labeling job can end with; the state machine catches each (errors.ts). */
export type LabelingFailureName = 'LabelingJobFailed' | 'LabelingJobStopped' | 'NothingLabeled';

/** A labeling job's state in the pipeline's words, whichever backend ran it. */
export type LabelingOutcome =
  | { kind: 'completed'; result: LabelingResult }
  | { kind: 'failed'; error: LabelingFailureName; cause: string }
  | { kind: 'running'; status: string };

/** The typed error the state machine catches for a failed outcome (errors.ts). */
export const outcomeError = (error: LabelingFailureName, cause: string): Error => {
  switch (error) {
    case 'LabelingJobFailed':
      return new LabelingJobFailed(cause);
    case 'LabelingJobStopped':
      return new LabelingJobStopped(cause);
    case 'NothingLabeled':
      return new NothingLabeled(cause);
  }
};
