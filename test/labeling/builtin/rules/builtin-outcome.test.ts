import { builtinOutcome } from '../../../../functions/labeling/builtin/rules/builtin-outcome';
import { creationDate, outputLine } from '../../../../functions/labeling/builtin/rules/job-output';

describe('builtinOutcome', () => {
  const job = {
    jobId: 'j',
    status: 'completed' as const,
    outputManifestS3Uri: 's3://b/o.manifest',
    labelCounters: { TotalLabeled: 2 },
  };

  it('maps a built-in job to the outcome Ground Truth jobs give', () => {
    expect(builtinOutcome(job)).toEqual({
      kind: 'completed',
      result: {
        jobName: 'j',
        status: 'Completed',
        outputManifestS3Uri: 's3://b/o.manifest',
        labelCounters: { TotalLabeled: 2 },
      },
    });
    expect(builtinOutcome({ ...job, status: 'open' })).toEqual({ kind: 'running', status: 'open' });
    expect(builtinOutcome({ ...job, status: 'stopped' })).toMatchObject({
      kind: 'failed',
      error: 'LabelingJobStopped',
    });
    expect(builtinOutcome({ ...job, labelCounters: undefined })).toMatchObject({
      kind: 'failed',
      error: 'NothingLabeled',
    });
    expect(builtinOutcome({ ...job, outputManifestS3Uri: undefined })).toMatchObject({
      kind: 'failed',
      error: 'LabelingJobFailed',
    });
  });
});

describe('outputLine', () => {
  it("gives a label outside the job's list the next class id rather than dropping it", () => {
    const at = new Date('2026-12-01T10:00:00.123Z');
    const out = outputLine(
      {
        index: 0,
        sourceRef: 's3://b/incoming/a.jpg',
        width: 100,
        height: 100,
        answers: [
          {
            sub: 'a',
            boxes: [{ label: 'zeta', left: 1, top: 1, width: 10, height: 10 }],
            claimedAt: 'x',
            submittedAt: 'y',
          },
        ],
      },
      { jobName: 'j', labelAttributeName: 'bb', labels: ['acme'], issuer: 'i' },
      at,
    );

    expect(JSON.parse(out.line).bb.annotations[0].class_id).toBe(1);
    expect(creationDate(at)).toBe('2026-12-01T10:00:00.123000');
  });
});
