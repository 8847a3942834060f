import fc from 'fast-check';
import { Assignment, hashSourceRef, planSplit, SplitIndex } from '../../../functions/conversion/rules/split';

interface Image {
  ref: string;
  labels: number[];
}

const indexOf = (images: readonly Image[]): SplitIndex => {
  const index = new SplitIndex();
  for (const image of images) index.add(hashSourceRef(image.ref), image.labels);
  return index;
};

const testRefs = (images: readonly Image[], assignment: Uint8Array): Set<string> =>
  new Set(images.filter((_, i) => assignment[i] === Assignment.TEST).map((img) => img.ref));

const dataset = (count: number, labelOf: (i: number) => number[]): Image[] =>
  Array.from({ length: count }, (_, i) => ({ ref: `s3://b/img-${i}.jpg`, labels: labelOf(i) }));

const imagesArbitrary = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 120 })
  .chain((refs) =>
    fc.tuple(
      fc.constant(refs),
      fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 3 }), {
        minLength: refs.length,
        maxLength: refs.length,
      }),
    ),
  )
  .map(([refs, labels]) => refs.map((ref, i) => ({ ref, labels: labels[i] ?? [0] })));

describe('split', () => {
  it('puts about 20% of each label in test by default', () => {
    const images = dataset(1000, (i) => [i % 4]);

    const plan = planSplit(indexOf(images), { testFraction: 0.2 });

    expect(plan.test).toBe(200);
    expect(plan.train).toBe(800);
    expect([...plan.perLabel.values()]).toEqual(Array(4).fill({ train: 200, test: 50 }));
  });

  it('gives the same split for the same images, whatever their order', () => {
    const images = dataset(300, (i) => [i % 3, (i * 7) % 5]);
    const shuffled = [...images].reverse();

    const a = planSplit(indexOf(images), { testFraction: 0.2 });
    const b = planSplit(indexOf(shuffled), { testFraction: 0.2 });

    expect(testRefs(shuffled, b.assignment)).toEqual(testRefs(images, a.assignment));
  });

  it('keeps a label with a single image in train and puts one of two images in test', () => {
    const images = [
      { ref: 'a', labels: [0] },
      { ref: 'b', labels: [1] },
      { ref: 'c', labels: [1] },
    ];

    const plan = planSplit(indexOf(images), { testFraction: 0.2 });

    expect(plan.perLabel.get(0)).toEqual({ train: 1, test: 0 });
    expect(plan.perLabel.get(1)).toEqual({ train: 1, test: 1 });
    expect(plan.assignment[0]).toBe(Assignment.TRAIN);
  });

  it('caps test at 1000 images per label (Rekognition limit)', () => {
    const images = dataset(10_000, () => [0]);

    const plan = planSplit(indexOf(images), { testFraction: 0.2 });

    expect(plan.perLabel.get(0)).toEqual({ train: 9000, test: 1000 });
  });

  it('marks a repeated source-ref as DUPLICATE and keeps its first line', () => {
    const images = [
      { ref: 'x', labels: [0] },
      { ref: 'y', labels: [0] },
      { ref: 'x', labels: [0] },
    ];

    const plan = planSplit(indexOf(images), { testFraction: 0.5 });

    expect(plan.duplicates).toBe(1);
    expect(plan.assignment[2]).toBe(Assignment.DUPLICATE);
    expect(plan.assignment[0]).not.toBe(Assignment.DUPLICATE);
    expect(plan.train + plan.test).toBe(2);
  });

  it('orders and deduplicates by the full 53-bit hash, also when hashes agree in their low bits', () => {
    // With 6 lines a key keeps a hash's low 50 bits: the first four share one truncated key.
    const low = 2 ** 32 + 12_345;
    const hashes = [low + 2 ** 51, low, low + 2 ** 52, low + 2 ** 51, 2 ** 53 - 1, 0];
    const index = new SplitIndex();
    for (const hash of hashes) index.add(hash, [0]);
    const plan = planSplit(index, { testFraction: 0.5 });

    expect([...plan.assignment].map((a) => a === Assignment.DUPLICATE)).toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
    ]);
    expect(plan.duplicates).toBe(1);
    expect(plan.train + plan.test).toBe(5);
  });

  it('handles an empty index', () => {
    expect(planSplit(new SplitIndex(), { testFraction: 0.2 })).toMatchObject({ train: 0, test: 0, duplicates: 0 });
  });

  it('always: every line is in one set, each label keeps ≥ 1 train image and ≤ 1000 test images, counts add up', () => {
    fc.assert(
      fc.property(imagesArbitrary, fc.double({ min: 0.05, max: 0.5, noNaN: true }), (images, testFraction) => {
        const plan = planSplit(indexOf(images), { testFraction });

        const counts = new Map<number, number>();
        for (const img of images) for (const l of img.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
        const inTest = new Map<number, number>();
        images.forEach((img, i) => {
          expect([Assignment.TRAIN, Assignment.TEST]).toContain(plan.assignment[i]);
          if (plan.assignment[i] === Assignment.TEST)
            for (const l of img.labels) inTest.set(l, (inTest.get(l) ?? 0) + 1);
        });
        for (const [label, count] of counts) {
          const test = inTest.get(label) ?? 0;
          expect(plan.perLabel.get(label)).toEqual({ train: count - test, test });
          expect(test).toBeLessThanOrEqual(Math.max(0, count - 1));
        }
        expect(plan.train + plan.test).toBe(images.length);
      }),
    );
  });

  it('always: with one label per image, every label with ≥ 2 images is in both sets', () => {
    fc.assert(
      fc.property(imagesArbitrary, fc.double({ min: 0.05, max: 0.5, noNaN: true }), (images, testFraction) => {
        const single = images.map((img) => ({ ref: img.ref, labels: img.labels.slice(0, 1) }));

        const plan = planSplit(indexOf(single), { testFraction });

        for (const counts of plan.perLabel.values()) {
          if (counts.train + counts.test >= 2) expect(counts.test).toBeGreaterThanOrEqual(1);
          expect(counts.train).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });

  it('puts every label of a realistic multi-label dataset in both sets', () => {
    const images = dataset(400, (i) => [i % 6, (i * 5 + 1) % 6, i % 7 === 0 ? 6 : i % 6]);

    const plan = planSplit(indexOf(images), { testFraction: 0.2 });

    for (const counts of plan.perLabel.values()) {
      expect(counts.test).toBeGreaterThan(0);
      expect(counts.test / (counts.train + counts.test)).toBeGreaterThan(0.1);
      expect(counts.test / (counts.train + counts.test)).toBeLessThan(0.3);
    }
  });

  it('finds the shared image that lets three two-image labels all reach test', () => {
    const images = [
      { ref: ' ', labels: [4, 0] },
      { ref: '!', labels: [0] },
      { ref: '"', labels: [6] },
      { ref: '#', labels: [1] },
      { ref: '$', labels: [1, 4] },
    ];

    const plan = planSplit(indexOf(images), { testFraction: 0.05 });

    for (const label of [0, 1, 4]) expect(plan.perLabel.get(label)).toEqual({ train: 1, test: 1 });
  });

  it('always: planning twice gives the identical assignment', () => {
    fc.assert(
      fc.property(imagesArbitrary, (images) => {
        const a = planSplit(indexOf(images), { testFraction: 0.2 });
        const b = planSplit(indexOf(images), { testFraction: 0.2 });

        expect(Buffer.from(b.assignment)).toEqual(Buffer.from(a.assignment));
      }),
    );
  });

  it('keeps each line’s hash and labels across storage blocks of 65,536 lines', () => {
    const index = new SplitIndex();
    const labelsOf = (i: number) => Array.from({ length: 1 + (i % 3) }, (_, k) => (i + k) % 200);
    for (let i = 0; i < 70_000; i += 1) index.add(i * 7, labelsOf(i));

    const wrong = Array.from({ length: 70_000 }, (_, i) => i).filter(
      (i) => index.hashOf(i) !== i * 7 || index.labelsOf(i).join() !== labelsOf(i).join(),
    );
    expect(wrong).toEqual([]);
    expect(index.size).toBe(70_000);
  });

  it('hashes source-refs to stable 53-bit integers', () => {
    expect(hashSourceRef('s3://b/k.jpg')).toBe(hashSourceRef('s3://b/k.jpg'));
    expect(hashSourceRef('s3://b/k.jpg')).not.toBe(hashSourceRef('s3://b/k.png'));
    expect(Number.isSafeInteger(hashSourceRef('x'))).toBe(true);
  });
});
