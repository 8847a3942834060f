import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalRunResult } from '../../local-runtime/run/run-local';
import { formatRunSummary } from '../../local-runtime/run/run-summary';
import { describeStateExit } from '../../local-runtime/stack/local-stack';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labeling-pipeline-summary-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const result = (report: string): LocalRunResult => ({
  status: 'SUCCEEDED',
  runId: 'sample-1-0123456789abcdef',
  executionName: 'sample-1-0123456789abcdef',
  executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:sample-1-0123456789abcdef',
  executionsStarted: 1,
  events: [],
  awsEvents: [],
  outDir: dir,
  // The job labeled 30 images, 4 of them with no box, so the dataset has 26: two different counts.
  counts: {
    objects: 37,
    accepted: 32,
    rejected: 5,
    labeled: 30,
    humanLabeled: 30,
    machineLabeled: 0,
    datasetImages: 26,
    boxes: 47,
    train: 22,
    test: 4,
  },
  files: { report },
  elapsedMs: 6600,
});

describe('run summary', () => {
  it('names what each count counts, and its dataset figures agree with the report', async () => {
    const report = join(dir, 'report.json');
    await writeFile(
      report,
      JSON.stringify({ lines: 32, accepted: 26, rejectedLines: 6, boxes: 47, humanAnnotated: 26, machineAnnotated: 0 }),
    );

    const text = (await formatRunSummary(result(report))).join('\n');

    expect(text).toContain('validated 37 objects: 32 accepted images, 5 rejected');
    expect(text).toContain('labeling job: 30 images labeled (by workers 30, automated 0)');
    expect(text).toContain('dataset: 26 images (human-labeled 26, machine-labeled 0), 47 boxes · train 22 / test 4');
    expect(text).not.toMatch(/labeled 30 \(human 30/);
  });

  it('counts the answers of a person who labeled in the page', async () => {
    const labeling = {
      claims: 3,
      answers: 3,
      skips: 0,
      duplicates: 0,
      allLeased: 0,
      leaseLost: 0,
      claimLatenciesMs: [1, 2, 3],
      answersBy: { 'labeler-01@labelers.local': 3 },
      closedByAdmin: false,
      workMs: 100,
      elapsedMs: 120,
    };
    const alone = (await formatRunSummary({ ...result(''), labeling })).join('\n');
    expect(alone).not.toContain('your answers');
    const text = (
      await formatRunSummary({
        ...result(''),
        labeling: { ...labeling, person: { email: 'you@example.com', answers: 1 } },
      })
    ).join('\n');
    expect(text).toContain('your answers: 1 image answered as you@example.com');
  });

  it('says "1 box", "1 line", "1 label" for counts of one', async () => {
    const report = join(dir, 'one.json');
    await writeFile(report, JSON.stringify({ lines: 1, accepted: 1, rejectedLines: 0, boxes: 1, droppedBoxes: 1 }));
    const one = result(report);

    const text = (
      await formatRunSummary({ ...one, counts: { ...one.counts, objects: 1, datasetImages: 1, boxes: 1 } })
    ).join('\n');

    expect(text).toContain('validated 1 object:');
    expect(text).toContain('dataset: 1 image (human-labeled');
    expect(text).toContain(', 1 box · train');
    expect(text).toContain('1 line read, 1 kept, 0 dropped; 1 box (), 1 box dropped');
    expect(
      describeStateExit('PostProcess', {
        dataset: { accepted: 1, boxes: 1, labels: 1, train: 1, test: 0, rejected: 1 },
      }),
    ).toBe('dataset: 1 image, 1 box, 1 label; train 1, test 0; 1 line dropped');
    expect(
      describeStateExit('PostProcess', {
        dataset: { accepted: 2, boxes: 3, labels: 2, train: 1, test: 1, rejected: 0 },
      }),
    ).toBe('dataset: 2 images, 3 boxes, 2 labels; train 1, test 1; 0 lines dropped');
  });
});
