import fc from 'fast-check';
import { boxAgreement, iou, type LabeledBox } from '../../../../functions/kernel/rules/boxes';
import {
  consolidateImage,
  type LabelerAnswer,
  majorityOf,
} from '../../../../functions/labeling/builtin/rules/consolidation';

const size = { width: 1000, height: 800 };
const box = (label: string, left: number, top: number, width = 100, height = 100): LabeledBox => ({
  label,
  left,
  top,
  width,
  height,
});
const answer = (worker: string, ...boxes: LabeledBox[]): LabelerAnswer => ({ worker, boxes });

describe('iou', () => {
  it('is 1 for identical boxes, 0 for boxes apart, and 1/7 for two half-overlapping squares', () => {
    expect(iou(box('a', 0, 0), box('a', 0, 0))).toBe(1);
    expect(iou(box('a', 0, 0), box('a', 200, 0))).toBe(0);
    expect(iou(box('a', 0, 0), box('a', 100, 0))).toBe(0);
    expect(iou(box('a', 0, 0), box('a', 50, 50))).toBeCloseTo(2500 / 17500);
  });
});

describe('consolidateImage', () => {
  it('keeps a box two of three labelers drew, averaging its edges and voting its label', () => {
    const out = consolidateImage(
      [answer('w1', box('acme', 100, 100)), answer('w2', box('acme', 110, 104)), answer('w3', box('globex', 500, 500))],
      size,
    );

    expect(out).toEqual([
      expect.objectContaining({ label: 'acme', left: 105, top: 102, width: 100, height: 100, votes: 2 }),
    ]);
    expect(out[0]?.confidence).toBeGreaterThan(0.5);
    expect(out[0]?.confidence).toBeLessThan(0.67);
  });

  it('labels a box by majority and breaks a tie alphabetically', () => {
    const three = consolidateImage(
      [answer('a', box('globex', 0, 0)), answer('b', box('acme', 0, 0)), answer('c', box('globex', 2, 2))],
      size,
    );
    const two = consolidateImage([answer('a', box('globex', 0, 0)), answer('b', box('acme', 0, 0))], size);

    expect(three.map((b) => b.label)).toEqual(['globex']);
    expect(two.map((b) => b.label)).toEqual(['acme']);
  });

  it('drops a box only a minority drew, counting labelers who answered "nothing here"', () => {
    expect(consolidateImage([answer('a', box('acme', 0, 0)), answer('b'), answer('c')], size)).toEqual([]);
  });

  it('never puts two boxes of one labeler in one object', () => {
    const out = consolidateImage(
      [answer('a', box('acme', 0, 0), box('acme', 10, 0)), answer('b', box('acme', 5, 0), box('acme', 15, 0))],
      size,
    );

    expect(out).toHaveLength(2);
    expect(out.every((b) => b.votes === 2)).toBe(true);
  });

  it('does not match boxes below the IoU threshold, which is configurable', () => {
    const answers = [answer('a', box('acme', 0, 0)), answer('b', box('acme', 40, 0))];

    expect(consolidateImage(answers, size)).toEqual([]);
    expect(consolidateImage(answers, { ...size, iouThreshold: 0.4 })).toHaveLength(1);
  });

  it('gives one labeler boxes as drawn with confidence 0, as Ground Truth does for one worker', () => {
    expect(consolidateImage([answer('a', box('acme', 3, 4, 50, 60))], size)).toEqual([
      { label: 'acme', left: 3, top: 4, width: 50, height: 60, confidence: 0, votes: 1 },
    ]);
  });

  it('returns nothing for no answers and needs a strict majority', () => {
    expect(consolidateImage([], size)).toEqual([]);
    expect([1, 2, 3, 4, 5, 9].map(majorityOf)).toEqual([1, 2, 2, 3, 3, 5]);
  });
});

const arbBox = fc
  .record({
    label: fc.constantFrom('acme', 'globex', 'initech'),
    left: fc.integer({ min: 0, max: 900 }),
    top: fc.integer({ min: 0, max: 700 }),
    width: fc.integer({ min: 1, max: 100 }),
    height: fc.integer({ min: 1, max: 100 }),
  })
  .map((b): LabeledBox => b);
const arbAnswers = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 9 })
  .chain((workers) =>
    fc.tuple(...workers.map((w) => fc.array(arbBox, { maxLength: 6 }).map((boxes) => answer(w, ...boxes)))),
  );

describe('consolidateImage properties', () => {
  it('does not depend on the order of answers or of boxes within an answer', () => {
    fc.assert(
      fc.property(arbAnswers, fc.infiniteStream(fc.nat()), (answers, noise) => {
        const shuffled = [...answers]
          .reverse()
          .map((a) => ({ ...a, boxes: [...a.boxes].sort(() => (noise.next().value % 2 === 0 ? 1 : -1)) }));
        expect(consolidateImage(shuffled, size)).toEqual(consolidateImage(answers, size));
      }),
    );
  });

  it('keeps boxes inside the image, confidences in [0, 1], and each with a majority of votes', () => {
    fc.assert(
      fc.property(arbAnswers, (answers) => {
        const out = consolidateImage(answers, size);
        const total = answers.reduce((n, a) => n + a.boxes.length, 0);
        expect(out.length * majorityOf(answers.length)).toBeLessThanOrEqual(total);
        for (const b of out) {
          expect(b.left).toBeGreaterThanOrEqual(0);
          expect(b.top).toBeGreaterThanOrEqual(0);
          expect(b.width).toBeGreaterThanOrEqual(1);
          expect(b.left + b.width).toBeLessThanOrEqual(size.width);
          expect(b.top + b.height).toBeLessThanOrEqual(size.height);
          expect(b.confidence).toBeGreaterThanOrEqual(0);
          expect(b.confidence).toBeLessThanOrEqual(1);
          expect(b.votes).toBeGreaterThanOrEqual(majorityOf(answers.length));
          expect(b.votes).toBeLessThanOrEqual(answers.length);
        }
      }),
    );
  });

  it('returns what every labeler drew, with confidence 1, when they all agree exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), fc.array(arbBox, { maxLength: 5 }), (n, boxes) => {
        // Exact agreement on boxes that do not overlap each other, so matching is unambiguous.
        const apart = boxes.filter((b, i) => boxes.every((o, j) => j >= i || iou(b, o) === 0));
        const answers = Array.from({ length: n }, (_, w) => answer(`w${w}`, ...apart));
        const out = consolidateImage(answers, size);
        expect(out.map(({ confidence, votes, ...b }) => b)).toEqual(
          [...apart].sort((a, b) => a.left - b.left || a.top - b.top || a.width - b.width || a.height - b.height),
        );
        expect(out.every((b) => b.confidence === 1 && b.votes === n)).toBe(true);
      }),
    );
  });
});

describe('boxAgreement', () => {
  it('is 1 for the same boxes or both empty, 0 for disjoint ones, and a Dice score between', () => {
    const a = box('acme', 0, 0);
    const b = box('acme', 300, 300);

    expect(boxAgreement([a, b], [b, a])).toBe(1);
    expect(boxAgreement([], [])).toBe(1);
    expect(boxAgreement([a], [b])).toBe(0);
    expect(boxAgreement([a], [a, b])).toBeCloseTo(2 / 3);
    expect(boxAgreement([{ ...a, label: 'globex' }], [a])).toBe(0);
  });
});
