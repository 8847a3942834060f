import type { LabelingBackendName } from '../../kernel/contracts/step-io';
import { builtinBackend } from '../builtin/aws/builtin-backend';
import { groundTruthBackend } from '../ground-truth/aws/ground-truth-backend';
import type { LabelingBackend } from './labeling-backend';

export const LABELING_BACKENDS: Readonly<Record<LabelingBackendName, LabelingBackend>> = {
  builtin: builtinBackend,
  'ground-truth': groundTruthBackend,
};
