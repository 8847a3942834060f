import { InvalidInput } from '../../../functions/kernel/errors';
import { checkLabels } from '../../../functions/labeling/contracts/labels';

const failure = (labels: string[]): Error => {
  try {
    checkLabels(labels);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected checkLabels to throw');
};

describe('labels', () => {
  it('returns the labels trimmed, in order', () => {
    expect(checkLabels([' Acme ', 'Globex', 'Initech\t'])).toEqual(['Acme', 'Globex', 'Initech']);
  });

  it('accepts 50 labels and a label of 256 characters', () => {
    const labels = Array.from({ length: 49 }, (_, i) => `logo-${i}`).concat('x'.repeat(256));

    expect(checkLabels(labels)).toHaveLength(50);
  });

  it('rejects an empty list with InvalidInput', () => {
    const error = failure([]);

    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.message).toBe('no labels given; a labeling job needs at least one label');
  });

  it('rejects 51 labels with InvalidInput', () => {
    const error = failure(Array.from({ length: 51 }, (_, i) => `logo-${i}`));

    expect(error.name).toBe('InvalidInput');
    expect(error.message).toBe('51 labels given; a bounding-box job accepts at most 50');
  });

  it('rejects a blank label, naming its position', () => {
    expect(failure(['Acme', '   ']).message).toBe('label 2 ("   ") is empty; give every label a name');
  });

  it('rejects a label longer than 256 characters, naming it', () => {
    const error = failure(['Acme', 'y'.repeat(257)]);

    expect(error.message).toMatch(/^label "y{40}…" has 257 characters; labels may have at most 256$/);
  });

  it('rejects a label that repeats another, ignoring case and surrounding spaces', () => {
    expect(failure(['Acme', 'Globex', ' acme']).message).toBe(
      'label "acme" repeats "Acme"; labels must be unique (ignoring case)',
    );
  });

  it('rejects a label with a newline in it', () => {
    expect(failure(['Ac\nme']).message).toBe(
      'label "Ac\\nme" contains a control character (e.g. a newline); remove it',
    );
  });
});
