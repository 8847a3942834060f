import fc from 'fast-check';
import {
  batchOf,
  deriveRunId,
  executionNameForCli,
  executionNameForUpload,
  normalizePrefix,
} from '../../../functions/kernel/rules/run-id';
import { checkLabelingJobName } from '../../../functions/labeling/ground-truth/rules/labeling-job-names';

/** StartExecution names: ≤80 chars, no whitespace or the listed specials (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html). */
const VALID_EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

describe('run-id', () => {
  it('keeps an execution name that already is a valid lower-case job name', () => {
    expect(deriveRunId('logos-2026-0f3a9c')).toBe('logos-2026-0f3a9c');
  });

  it('lower-cases and hashes a console name with upper case, so two cases never collide', () => {
    const upper = deriveRunId('Logos-Nov');
    const lower = deriveRunId('logos-nov');

    expect(upper).toMatch(/^logos-nov-[0-9a-f]{12}$/);
    expect(upper).not.toBe(lower);
  });

  it('always yields a valid labeling job name of at most 63 chars, deterministically', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), (name) => {
        const runId = deriveRunId(name);
        expect(checkLabelingJobName(runId)).toBe(runId);
        expect(runId.length).toBeLessThanOrEqual(63);
        expect(deriveRunId(name)).toBe(runId);
      }),
    );
  });

  it('names an upload execution after its batch and upload identity', () => {
    const upload = { bucket: 'data', key: 'incoming/Logos Nov 2026/batch.json', version: '00621049BA9A8C712B' };

    const name = executionNameForUpload(upload);

    expect(name).toMatch(/^logos-nov-2026-[0-9a-f]{16}$/);
    expect(executionNameForUpload({ ...upload })).toBe(name);
    expect(executionNameForUpload({ ...upload, version: '00621049BA9A8C7999' })).not.toBe(name);
  });

  it('makes valid execution names from any key', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string(), (batch, version) => {
        const name = executionNameForUpload({ bucket: 'b', key: `incoming/${batch}/batch.json`, version });
        expect(name).toMatch(VALID_EXECUTION_NAME);
      }),
    );
  });

  it('names a CLI execution after the batch and the start time', () => {
    expect(executionNameForCli('incoming/logos/', new Date('2026-11-25T13:04:05.123Z'))).toBe('logos-20261125t130405');
  });

  it('reads the batch from a prefix and normalizes the trailing slash', () => {
    expect(batchOf('incoming/logos-2026/')).toBe('logos-2026');
    expect(normalizePrefix('incoming/logos-2026')).toBe('incoming/logos-2026/');
    expect(normalizePrefix('incoming/logos-2026//')).toBe('incoming/logos-2026/');
  });
});
