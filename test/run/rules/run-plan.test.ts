import { planRun, RUN_DEFAULTS } from '../../../functions/run/rules/run-plan';

const settings = { dataBucket: 'data-bucket', defaultLabels: ['acme', 'globex'], labelingBackend: 'builtin' as const };

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
      labelingBackend: 'builtin',
    });
  });

  it('lets a batch choose its backend and carries the built-in options', () => {
    const run = planRun(
      {
        bucket: 'data-bucket',
        prefix: 'incoming/x/',
        labelingBackend: 'ground-truth',
        taskAvailabilityDays: 3,
        instructions: '# Boxes\nTight ones.',
        examples: [{ key: 'incoming/x/examples/good.jpg', kind: 'good', caption: 'tight' }],
        labelerGroup: 'team-a',
      },
      'x',
      settings,
    );

    expect(run).toMatchObject({
      labelingBackend: 'ground-truth',
      taskAvailabilityLifetimeSeconds: 259_200,
      instructions: '# Boxes\nTight ones.',
      examples: [{ key: 'incoming/x/examples/good.jpg', kind: 'good', caption: 'tight' }],
      labelerGroup: 'team-a',
    });
  });

  it('refuses an example outside the batch folder, naming the field', () => {
    expect(() =>
      planRun(
        {
          bucket: 'data-bucket',
          prefix: 'incoming/x/',
          examples: [{ key: 'incoming/other/a.jpg', kind: 'bad', caption: '' }],
        },
        'x',
        settings,
      ),
    ).toThrow(expect.objectContaining({ name: 'InvalidInput', message: expect.stringContaining('examples.0.key') }));
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
