import manualInput from '../../events/manual-execution-input.json';
import { handler } from '../../functions/run/prepare-run/handler';
import { fakeContext } from '../fake-context';

const prepare = (input: unknown, executionName = 'logos-2026-11-0f3a9c') =>
  handler({ input, executionName }, fakeContext);

describe('prepare-run', () => {
  it('turns the sample manual input into the run context', async () => {
    const run = await prepare(manualInput);

    expect(run).toMatchObject({
      runId: 'logos-2026-11-0f3a9c',
      jobName: 'logos-2026-11-0f3a9c',
      batch: 'logos-2026-11',
      runPrefix: 'runs/logos-2026-11-0f3a9c/',
      labels: ['acme', 'globex', 'initech'],
    });
  });

  it('uses the stack default labels when the input names none', async () => {
    const run = await prepare({ bucket: manualInput.bucket, prefix: 'incoming/x/' });

    expect(run.labels).toEqual(['acme', 'globex', 'initech']);
  });

  it.each([
    [{ ...manualInput, prefix: 'runs/other/' }, 'prefix'],
    [{ ...manualInput, prefix: 'uploads/logos/' }, 'prefix'],
    [{ ...manualInput, colour: 'red' }, 'colour'],
    [{ ...manualInput, workersPerObject: 0 }, 'workersPerObject'],
    [{ prefix: 'incoming/x/' }, 'bucket'],
  ])('fails with InvalidInput naming the bad field (%#)', async (input, field) => {
    await expect(prepare(input)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining(field),
    });
  });

  it.each([null, [1, 2], 'x', 7])(
    'refuses an execution input that is not an object (%j), saying what to give',
    async (input) => {
      await expect(prepare(input)).rejects.toMatchObject({
        name: 'InvalidInput',
        message: expect.stringContaining('it must be a JSON object such as {"bucket"'),
      });
    },
  );

  it('names the bad label', async () => {
    await expect(prepare({ ...manualInput, labels: ['acme', 'x'.repeat(300)] })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/label/i),
    });
  });

  it('fails without an execution name from the state machine', async () => {
    await expect(handler({ input: manualInput }, fakeContext)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('executionName'),
    });
  });
});
