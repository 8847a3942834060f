import type { LabelingBackendName } from '../../kernel/contracts/step-io';
import { builtinStart } from '../builtin/aws/builtin-start';
import { groundTruthStart } from '../ground-truth/aws/ground-truth-start';
import type { LabelingStarter } from './labeling-backend';

export const LABELING_STARTERS: Readonly<Record<LabelingBackendName, LabelingStarter>> = {
  builtin: builtinStart,
  'ground-truth': groundTruthStart,
};
