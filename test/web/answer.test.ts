import { boxOf, buildAnswer, geometryOf, type LabeledShape, labelOf } from '../../web/src/lib/answer';

const image = { width: 640, height: 480 };
const labels = ['acme', 'globex'];
const shape = (id: string, box: { left: number; top: number; width: number; height: number }, label?: string) =>
  ({
    id,
    bodies: label ? [{ purpose: 'tagging', value: label }] : [],
    target: { selector: { type: 'RECTANGLE', geometry: geometryOf(box) } },
  }) as LabeledShape;

describe('buildAnswer', () => {
  it('sends the boxes snapped inside the image, in image pixels', () => {
    const result = buildAnswer(
      [
        shape('a', { left: -5.2, top: 10.4, width: 100, height: 50 }, 'acme'),
        shape('b', { left: 600, top: 400, width: 80, height: 120 }, 'globex'),
      ],
      image,
      labels,
      false,
      1234.5,
    );
    expect(result).toEqual({
      ok: true,
      body: {
        boxes: [
          { label: 'acme', left: 0, top: 10, width: 95, height: 50 },
          { label: 'globex', left: 600, top: 400, width: 40, height: 80 },
        ],
        nothingToLabel: false,
        durationMs: 1235,
      },
    });
  });

  it('sends "nothing to label" with no boxes', () => {
    expect(buildAnswer([], image, labels, true, 10)).toEqual({
      ok: true,
      body: { boxes: [], nothingToLabel: true, durationMs: 10 },
    });
  });

  it.each([
    ['no box and no "nothing"', [], false, /Draw a box/],
    ['boxes and "nothing"', [shape('a', { left: 1, top: 1, width: 9, height: 9 }, 'acme')], true, /nothing to label/],
    ['a box without a label', [shape('a', { left: 1, top: 1, width: 9, height: 9 })], false, /Box 1 has no label/],
    ['a label of another job', [shape('a', { left: 1, top: 1, width: 9, height: 9 }, 'initech')], false, /no label/],
  ] as const)('refuses %s', (_, shapes, nothing, problem) => {
    const result = buildAnswer(shapes, image, labels, nothing, 0);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toMatch(problem);
  });

  it('reads a shape back', () => {
    const s = shape('a', { left: 3, top: 4, width: 5, height: 6 }, 'acme');
    expect(boxOf(s)).toEqual({ left: 3, top: 4, width: 5, height: 6 });
    expect(labelOf(s)).toBe('acme');
    expect(geometryOf({ left: 3, top: 4, width: 5, height: 6 }).bounds).toEqual({
      minX: 3,
      minY: 4,
      maxX: 8,
      maxY: 10,
    });
  });
});
