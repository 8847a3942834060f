import type { Settings } from '../../kernel/config';
import type { LabelingBackendName } from '../../kernel/contracts/step-io';
import { builtinBackend } from '../builtin/aws/builtin-backend';
import { groundTruthBackend } from '../ground-truth/aws/ground-truth-backend';
import type { LabelingBackend } from './labeling-backend';

/** The backends, built once per function from its settings (the built-in one works on its table). */
export const labelingBackends = (
  settings: Settings<'LABELING_TABLE'>,
): Readonly<Record<LabelingBackendName, LabelingBackend>> => ({
  builtin: builtinBackend(settings),
  'ground-truth': groundTruthBackend,
});
