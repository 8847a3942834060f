import { loadSettings, SETTING_DEFAULTS } from '../../functions/kernel/config';

/** Loads a module in a fresh registry, with `name` removed from the environment. */
const loadWithout = (name: string, path: string): (() => unknown) => {
  return () => {
    const saved = process.env[name];
    delete process.env[name];
    try {
      jest.isolateModules(() => {
        require(path);
      });
    } finally {
      process.env[name] = saved;
    }
  };
};

describe('settings', () => {
  it('returns the declared settings, with defaults for those that have one', () => {
    const settings = loadSettings(['DATA_BUCKET', 'MAX_DATASET_POLLS']);

    expect(settings).toEqual({ DATA_BUCKET: 'labeling-pipeline-local-data', MAX_DATASET_POLLS: 240 });
    expect(Object.isFrozen(settings)).toBe(true);
    expect(SETTING_DEFAULTS.has('MAX_DATASET_POLLS')).toBe(true);
    expect(SETTING_DEFAULTS.has('DATA_BUCKET')).toBe(false);
  });

  it('fails the cold start of a handler, naming the variable, when a declared setting is missing', () => {
    expect(loadWithout('STATE_MACHINE_ARN', '../../functions/run/start-pipeline/handler')).toThrow(
      'missing environment variable STATE_MACHINE_ARN',
    );
    expect(loadWithout('WORKTEAM_ARN', '../../functions/labeling/start-labeling-job/handler')).toThrow(
      'missing environment variable WORKTEAM_ARN',
    );
  });

  it('names every missing variable at once', () => {
    const saved = { ...process.env };
    delete process.env.WORKTEAM_ARN;
    delete process.env.LABELING_ROLE_ARN;
    try {
      jest.isolateModules(() => {
        const { loadSettings: fresh } =
          require('../../functions/kernel/config') as typeof import('../../functions/kernel/config');
        expect(() => fresh(['WORKTEAM_ARN', 'DATA_BUCKET', 'LABELING_ROLE_ARN'])).toThrow(
          'missing environment variables WORKTEAM_ARN, LABELING_ROLE_ARN',
        );
      });
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
