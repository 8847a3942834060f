import type { DatasetReport } from '../../../functions/conversion/contracts/dataset-report';
import { createLabelerTally, workerAnswersOf } from '../../../functions/conversion/rules/labeler-figures';
import { renderReportHtml } from '../../../functions/conversion/rules/report-html';
import { workerResponseDocument } from '../../../functions/labeling/contracts/labeling-output/worker-answers';

const box = { label: 'acme', left: 0, top: 0, width: 10, height: 10 };
const answer = (sub: string, email?: string) => ({
  sub,
  ...(email === undefined ? {} : { email }),
  boxes: [box],
  claimedAt: '2026-12-01T10:00:00.000Z',
  submittedAt: '2026-12-01T10:00:05.000Z',
});

describe('labelers named by e-mail', () => {
  it('carries the e-mail the built-in backend recorded into the figures, and leaves Ground Truth labelers by id', () => {
    const tally = createLabelerTally();
    const document = workerResponseDocument(
      { width: 100, height: 100, answers: [answer('sub-ana', 'ana@example.com'), answer('sub-gt')] },
      'issuer',
    );
    tally.add([box], workerAnswersOf(JSON.parse(JSON.stringify(document))));

    expect(tally.result()).toEqual([
      { worker: 'sub-ana', email: 'ana@example.com', images: 1, medianSeconds: 5, agreement: 1 },
      { worker: 'sub-gt', images: 1, medianSeconds: 5, agreement: 1 },
    ]);
  });

  it('shows admins the e-mail with the id beside it in report.html', () => {
    const report = {
      source: 's3://b/o.manifest',
      generatedAt: '2026-12-01T00:00:00.000Z',
      testFraction: 0.2,
      minConfidence: 0.5,
      lines: 0,
      accepted: 0,
      rejectedLines: 0,
      boxes: 0,
      droppedBoxes: 0,
      labels: {},
      labelImages: {},
      humanAnnotated: 0,
      machineAnnotated: 0,
      confidence: { human: [], machine: [] },
      train: 0,
      test: 0,
      split: {},
      rejectedByReason: {},
      rejected: [],
      rejectedListLimit: 100,
      rejectedTotal: 0,
      warnings: [],
      blockers: [],
      labelers: [
        { worker: 'sub-ana', email: 'ana@example.com', images: 1, medianSeconds: 5, agreement: 1 },
        { worker: 'sub-gt', images: 1, medianSeconds: 5, agreement: 1 },
      ],
    } satisfies DatasetReport;
    const html = renderReportHtml(report);

    expect(html).toContain('<td>ana@example.com (sub-ana)</td>');
    expect(html).toContain('<td>sub-gt</td>');
  });
});
