import { trainingProgress } from '../../../functions/datasets/rules/training-plan';

describe('training-plan', () => {
  it('waits while the version is training', () => {
    expect(trainingProgress({ status: 'TRAINING_IN_PROGRESS' }, 1, 5)).toEqual({ outcome: 'pending' });
  });

  it('is trained once the version reports TRAINING_COMPLETED', () => {
    expect(trainingProgress({ status: 'TRAINING_COMPLETED' }, 1, 5)).toEqual({ outcome: 'trained' });
  });

  it('counts a model someone already started or stopped as trained', () => {
    for (const status of ['STARTING', 'RUNNING', 'FAILED', 'STOPPING', 'STOPPED']) {
      expect(trainingProgress({ status }, 1, 5)).toEqual({ outcome: 'trained' });
    }
  });

  it('fails on TRAINING_FAILED with the status message', () => {
    expect(trainingProgress({ status: 'TRAINING_FAILED', statusMessage: 'Not enough labels.' }, 1, 5)).toEqual({
      outcome: 'failed',
      message: 'Rekognition could not train the model (TRAINING_FAILED): Not enough labels.',
    });
  });

  it('fails when the version is being deleted', () => {
    expect(trainingProgress({ status: 'DELETING' }, 1, 5)).toEqual({
      outcome: 'failed',
      message: 'Rekognition could not train the model (DELETING)',
    });
  });

  it('times out after the last poll, but still accepts completion on it', () => {
    expect(trainingProgress({ status: 'TRAINING_IN_PROGRESS' }, 5, 5)).toEqual({
      outcome: 'timed-out',
      message:
        'Rekognition did not finish training after 5 polls (TRAINING_IN_PROGRESS); the version is left in place, check it in the Rekognition console',
    });
    expect(trainingProgress({ status: 'TRAINING_COMPLETED' }, 5, 5)).toEqual({ outcome: 'trained' });
  });

  it('keeps waiting on a missing status within the poll limit', () => {
    expect(trainingProgress({}, 1, 5)).toEqual({ outcome: 'pending' });
    expect(trainingProgress({}, 5, 5)).toMatchObject({
      outcome: 'timed-out',
      message: expect.stringContaining('unknown'),
    });
  });
});
