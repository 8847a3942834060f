import { outcomeError } from '../../../functions/labeling/rules/labeling-outcome';

describe('labeling-outcome', () => {
  it.each(['LabelingJobFailed', 'LabelingJobStopped', 'NothingLabeled'] as const)(
    'builds the %s error the state machine catches',
    (name) => {
      const error = outcomeError(name, 'why');

      expect(error.name).toBe(name);
      expect(error.message).toBe('why');
    },
  );
});
