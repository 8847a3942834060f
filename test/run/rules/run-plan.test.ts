import { planRun, RUN_DEFAULTS } from '../../../functions/run/rules/run-plan';

const settings = { dataBucket: 'data-bucket', defaultLabels: ['acme', 'globex'] };

describe('run-plan', () => {
  it('resolves defaults and derives ids from the execution name', () => {
    const run = planRun({ bucket: 'data-bucket', prefix: 'incoming/logos' }, 'logos-abc', settings);

    expect(run).toMatchObject({
      runId: 'logos-abc',
      jobName: 'logos-abc',
      prefix: 'incoming/logos/',
      batch: 'logos',
      runPrefix: 'runs/logos-abc/',
      labels: ['acme', 'globex'],
      workersPerObject: RUN_DEFAULTS.workersPerObject,
      autoLabeling: false,
      labelAttributeName: 'bounding-box',
    });
  });

  it('lets the input override every option', () => {
    const run = planRun(
      {
        bucket: 'data-bucket',
        prefix: 'incoming/x/',
        labels: ['one'],
        workersPerObject: 5,
        train: true,
        testFraction: 0.3,
      },
      'x',
      settings,
    );

    expect(run).toMatchObject({ labels: ['one'], workersPerObject: 5, train: true, testFraction: 0.3 });
  });

  it('refuses a bucket other than the data bucket with InvalidInput naming the field', () => {
    expect(() => planRun({ bucket: 'other-bucket', prefix: 'incoming/x/' }, 'x', settings)).toThrow(
      expect.objectContaining({ name: 'InvalidInput', message: expect.stringContaining('bucket') }),
    );
  });
});
