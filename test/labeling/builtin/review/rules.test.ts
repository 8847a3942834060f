import {
  matchesFilter,
  ReviewPager,
  readReviewLine,
  readWorkerAnswers,
  rejectionsBySource,
} from '../../../../functions/labeling/builtin/review/rules';
import { emptyLine, JOB, labeledLine, unlabeledLine } from './fixtures';

const ref = (i: number) => `s3://bucket/incoming/b/${i}.jpg`;

describe('readReviewLine', () => {
  it('reads the consolidated boxes with their labels and confidences', () => {
    const item = readReviewLine(
      labeledLine(ref(0), [
        { classId: 0, confidence: 0.91 },
        { classId: 1, confidence: 0.42 },
      ]),
      7,
      JOB,
    );
    expect(item).toEqual({
      taskId: '000007',
      sourceRef: ref(0),
      width: 640,
      height: 480,
      status: 'labeled',
      boxes: [
        { label: 'acme', left: 10, top: 20, width: 100, height: 50, confidence: 0.91 },
        { label: 'globex', left: 10, top: 20, width: 100, height: 50, confidence: 0.42 },
      ],
      minConfidence: 0.42,
      lowAgreement: true,
    });
  });

  it('tells an image nobody labeled, with Ground Truth’s failure reason', () => {
    expect(readReviewLine(unlabeledLine(ref(1)), 1, JOB)).toMatchObject({
      status: 'unlabeled',
      boxes: [],
      failureReason: 'ClientError: no labeler answered this image before the job ended',
    });
  });

  it('tells an image the labelers found nothing in', () => {
    expect(readReviewLine(emptyLine(ref(2)), 2, JOB)).toMatchObject({ status: 'nothing', lowAgreement: false });
  });

  it('flags no box drawn by one labeler alone (confidence 0): one labeler per image is not disagreement', () => {
    const alone = readReviewLine(
      labeledLine(ref(4), [
        { classId: 0, confidence: 0 },
        { classId: 1, confidence: 0 },
      ]),
      4,
      JOB,
    );
    expect(alone).toMatchObject({ status: 'labeled', minConfidence: null, lowAgreement: false });
    const mixed = readReviewLine(
      labeledLine(ref(5), [
        { classId: 0, confidence: 0 },
        { classId: 1, confidence: 0.42 },
      ]),
      5,
      JOB,
    );
    expect(mixed).toMatchObject({ minConfidence: 0.42, lowAgreement: true });
  });

  it('still shows a line it cannot parse', () => {
    expect(readReviewLine('{not json', 3, JOB)).toMatchObject({ taskId: '000003', status: 'unlabeled', sourceRef: '' });
  });
});

describe('rejectionsBySource', () => {
  it('groups the report’s rejections by image and names the box', () => {
    const map = rejectionsBySource({
      rejected: [
        { line: 1, sourceRef: ref(0), code: 'BOX_TOO_SMALL', message: 'smaller than 1% of the image', box: 0 },
        { line: 1, sourceRef: ref(0), code: 'LOW_CONFIDENCE', message: 'below 0.5' },
        { line: 2, code: 'INVALID_JSON', message: 'no source-ref' },
      ],
    });
    expect(map.get(ref(0))).toEqual([
      { code: 'BOX_TOO_SMALL', message: 'box 1: smaller than 1% of the image' },
      { code: 'LOW_CONFIDENCE', message: 'below 0.5' },
    ]);
    expect(map.size).toBe(1);
    expect(rejectionsBySource(undefined).size).toBe(0);
  });
});

describe('ReviewPager', () => {
  const entries = [
    { ...readReviewLine(labeledLine(ref(0), [{ classId: 0, confidence: 0.9 }]), 0, JOB), rejections: [] },
    { ...readReviewLine(labeledLine(ref(1), [{ classId: 1, confidence: 0.3 }]), 1, JOB), rejections: [] },
    { ...readReviewLine(unlabeledLine(ref(2)), 2, JOB), rejections: [] },
    {
      ...readReviewLine(labeledLine(ref(3), [{ classId: 0, confidence: 0.8 }]), 3, JOB),
      rejections: [{ code: 'X', message: 'y' }],
    },
  ];

  it('counts every filter over the whole job', () => {
    const pager = new ReviewPager({ filter: 'all' }, 10);
    for (const e of entries) pager.add(e);
    expect(pager.counts).toEqual({
      all: 4,
      lowAgreement: 1,
      unlabeled: 1,
      rejected: 1,
      byLabel: { acme: 2, globex: 1 },
    });
    expect(pager.page.map((e) => e.taskId)).toEqual(['000000', '000001', '000002', '000003']);
    expect(pager.nextCursor).toBeNull();
  });

  it('pages the filtered lines with a cursor', () => {
    const first = new ReviewPager({ filter: 'label', label: 'acme' }, 1);
    for (const e of entries) first.add(e);
    expect(first.page.map((e) => e.taskId)).toEqual(['000000']);
    expect(first.nextCursor).toBe('1');
    const second = new ReviewPager({ filter: 'label', label: 'acme', cursor: '1' }, 1);
    for (const e of entries) second.add(e);
    expect(second.page.map((e) => e.taskId)).toEqual(['000003']);
    expect(second.nextCursor).toBeNull();
  });

  it.each([
    ['low-agreement', ['000001']],
    ['unlabeled', ['000002']],
    ['rejected', ['000003']],
  ] as const)('filter %s', (filter, ids) => {
    expect(entries.filter((e) => matchesFilter(e, filter)).map((e) => e.taskId)).toEqual(ids);
  });
});

describe('readWorkerAnswers', () => {
  it('reads each labeler’s raw boxes from a worker-response document', () => {
    const doc = {
      answers: [
        {
          workerId: 'sub-1',
          submissionTime: '2026-12-01T10:00:00.000Z',
          answerContent: {
            boundingBox: {
              boundingBoxes: [{ label: 'acme', left: 1, top: 2, width: 3, height: 4 }],
              inputImageProperties: { width: 640, height: 480 },
            },
          },
        },
        {
          workerId: 'sub-2',
          submissionTime: '2026-12-01T10:01:00.000Z',
          answerContent: { boundingBox: { boundingBoxes: [] } },
        },
      ],
    };
    expect(readWorkerAnswers(doc)).toEqual([
      {
        labeler: 'sub-1',
        submittedAt: '2026-12-01T10:00:00.000Z',
        nothingToLabel: false,
        boxes: [{ label: 'acme', left: 1, top: 2, width: 3, height: 4 }],
      },
      { labeler: 'sub-2', submittedAt: '2026-12-01T10:01:00.000Z', nothingToLabel: true, boxes: [] },
    ]);
    expect(readWorkerAnswers(null)).toEqual([]);
  });
});
