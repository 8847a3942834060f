import { DatasetReport } from '../../../functions/conversion/contracts/dataset-report';
import { convertOutputManifest } from '../../../functions/conversion/rules/dataset-conversion';
import { readManifestBatches } from '../../../functions/conversion/rules/line-reader';
import { escapeHtml, renderReportHtml, reviewLink } from '../../../functions/conversion/rules/report-html';
import { gtText } from '../../fixtures/gt-line';
import { memoryPorts, quirksStream } from '../../fixtures/memory-ports';

const EVIL = '<script>alert("x")</script>';

async function* chunks(...texts: string[]) {
  yield* texts;
}

const quirksReport = async () => {
  const { ports } = memoryPorts();
  return convertOutputManifest(() => readManifestBatches(quirksStream()), ports, {
    source: 's3://b/output.manifest',
    generatedAt: '2026-11-25T00:00:00.000Z',
    testFraction: 0.2,
    minConfidence: 0.5,
    labelCounters: { TotalLabeled: 20, HumanLabeled: 19, MachineLabeled: 1, FailedNonRetryableError: 2 },
    labelingJob: { autoLabeling: false, reason: 'batch below 1,250 objects' },
  });
};

describe('report-html', () => {
  it('produces a report.json that matches its contract', async () => {
    const report = await quirksReport();

    expect(DatasetReport.safeParse(report).success).toBe(true);
  });

  it('renders every section as one self-contained page with inline SVG charts', async () => {
    const html = renderReportHtml(await quirksReport());

    for (const heading of [
      'Boxes per label',
      'Human and automated labels',
      'Box confidence',
      'Train / test split per label',
      'Rejected lines and boxes',
      'Labeling job',
    ]) {
      expect(html).toContain(heading);
    }
    expect(html).toContain('<svg');
    expect(html).toContain('FailedNonRetryableError');
    expect(html).toContain('batch below 1,250 objects');
    expect(html).toContain('ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS');
    expect(html).not.toMatch(/(src|href)=|<script|<link|@import|url\(/i);
  });

  it('escapes label names, source-refs and messages that came from the manifest', async () => {
    const { ports } = memoryPorts();
    const text = [
      gtText({ classMap: { '0': EVIL }, sourceRef: `s3://b/${EVIL}.jpg` }),
      gtText({
        classMap: { '0': EVIL },
        sourceRef: `s3://b/a.jpg`,
        boxes: [{ class_id: 0, left: 900, top: 0, width: 5, height: 5 }],
      }),
    ].join('\n');
    const report = await convertOutputManifest(() => readManifestBatches(chunks(text)), ports, {
      source: EVIL,
      generatedAt: 'now',
      testFraction: 0.2,
      minConfidence: 0,
      labelingJob: { [EVIL]: EVIL },
    });

    const html = renderReportHtml(report);

    expect(html).not.toContain('<script');
    expect(html).toContain(escapeHtml(EVIL));
  });

  it('leads with why no manifest was written when the dataset is refused', async () => {
    const { ports } = memoryPorts();
    const report = await convertOutputManifest(() => readManifestBatches(chunks(gtText())), ports, {
      source: 'one-image',
      generatedAt: 'now',
      testFraction: 0.2,
      minConfidence: 0,
    });

    const html = renderReportHtml(report);

    expect(html).toContain('<h2>No manifest written</h2>');
    expect(html).toMatch(/<code>ERROR_EMPTY_MANIFEST<\/code> the test set would be empty/);
  });

  it('escapes all five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it("links a built-in job's report to its review page on the labeling page", async () => {
    const report = { ...(await quirksReport()), labelingJob: { backend: 'builtin', jobName: 'sample-1-abc' } };
    expect(reviewLink(report, 'https://d111.cloudfront.net/')).toBe(
      'https://d111.cloudfront.net/#/jobs/sample-1-abc/review',
    );
    expect(renderReportHtml(report, { portalUrl: 'http://127.0.0.1:5173' })).toContain(
      '<a href="http://127.0.0.1:5173/#/jobs/sample-1-abc/review">Review every image',
    );
    // Ground Truth jobs have no review page, and without the page's URL there is nothing to link.
    expect(
      reviewLink({ ...report, labelingJob: { backend: 'ground-truth', jobName: 'x' } }, 'https://x'),
    ).toBeUndefined();
    expect(renderReportHtml(report)).not.toContain('Review every image');
  });
});
