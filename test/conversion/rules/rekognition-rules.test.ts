import {
  checkBox,
  imageSizeProblem,
  isBoxTooSmall,
  labelNameProblem,
  normalizeBox,
} from '../../../functions/conversion/rules/rekognition-rules';

const frame = { width: 640, height: 480 };
const codeOf = (value: object) => ('code' in value ? value.code : 'OK');

describe('rekognition-rules', () => {
  it('rounds float coordinates to whole pixels by their edges', () => {
    expect(normalizeBox({ left: 10.4, top: 20.6, width: 100.2, height: 50.7 }, frame)).toEqual({
      left: 10,
      top: 21,
      width: 101,
      height: 50,
    });
  });

  it('clamps a box that overshoots the frame by up to 2 px', () => {
    expect(normalizeBox({ left: -1.5, top: 430, width: 100, height: 51.9 }, frame)).toEqual({
      left: 0,
      top: 430,
      width: 99,
      height: 50,
    });
  });

  it('clamps overshoots up to 1% of the side on large images', () => {
    const big = { width: 4000, height: 3000 };

    expect(normalizeBox({ left: 3900, top: 0, width: 135, height: 100 }, big)).toEqual({
      left: 3900,
      top: 0,
      width: 100,
      height: 100,
    });
  });

  it('rejects a box far outside the frame with ERROR_INVALID_BOUNDING_BOX', () => {
    expect(codeOf(normalizeBox({ left: 600, top: 10, width: 50, height: 50 }, frame))).toBe(
      'ERROR_INVALID_BOUNDING_BOX',
    );
    expect(codeOf(normalizeBox({ left: -10, top: 10, width: 50, height: 50 }, frame))).toBe(
      'ERROR_INVALID_BOUNDING_BOX',
    );
  });

  it('rejects a box of zero or negative size with ERROR_INVALID_BOUNDING_BOX', () => {
    expect(codeOf(normalizeBox({ left: 10, top: 10, width: 0, height: 50 }, frame))).toBe('ERROR_INVALID_BOUNDING_BOX');
    expect(codeOf(normalizeBox({ left: 10, top: 10, width: 50, height: -5 }, frame))).toBe(
      'ERROR_INVALID_BOUNDING_BOX',
    );
  });

  it('rejects a box not larger than 1×1 px after downscaling to 1280 px with ERROR_BOUNDING_BOX_TOO_SMALL', () => {
    const wide = { width: 4000, height: 1000 };

    expect(codeOf(normalizeBox({ left: 10, top: 10, width: 3, height: 100 }, wide))).toBe(
      'ERROR_BOUNDING_BOX_TOO_SMALL',
    );
    expect(codeOf(normalizeBox({ left: 10, top: 10, width: 4, height: 100 }, wide))).toBe('OK');
    expect(codeOf(normalizeBox({ left: 10, top: 10, width: 0.4, height: 30 }, frame))).toBe(
      'ERROR_BOUNDING_BOX_TOO_SMALL',
    );
    expect(isBoxTooSmall({ width: 2, height: 2 }, frame)).toBe(false);
    expect(isBoxTooSmall({ width: 1, height: 2 }, frame)).toBe(true);
  });

  it('accepts images of 64 to 4096 px and rejects others with ERROR_INVALID_IMAGE_DIMENSION', () => {
    expect(imageSizeProblem(64, 4096)).toBeUndefined();
    expect(imageSizeProblem(63, 100)?.code).toBe('ERROR_INVALID_IMAGE_DIMENSION');
    expect(imageSizeProblem(100, 4097)?.code).toBe('ERROR_INVALID_IMAGE_DIMENSION');
    expect(imageSizeProblem(Number.NaN, 100)?.code).toBe('ERROR_INVALID_IMAGE_DIMENSION');
  });

  it('accepts label names of 1 to 256 characters', () => {
    expect(labelNameProblem('a'.repeat(256))).toBeUndefined();
    expect(labelNameProblem('a'.repeat(257))?.code).toBe('ERROR_INVALID_LABEL_NAME_LENGTH');
    expect(labelNameProblem('')?.code).toBe('ERROR_INVALID_LABEL_NAME_LENGTH');
  });

  it('checks a whole box: numbers, confidence, class map entry', () => {
    const context = { index: 0, frame, classMap: { '0': 'acme' } };
    const box = { class_id: 0, left: 1, top: 1, width: 10, height: 10 };

    expect(checkBox(box, { confidence: 0.5 }, context)).toMatchObject({ label: 'acme', confidence: 0.5, left: 1 });
    expect(checkBox({ ...box, class_id: '0' }, { confidence: '1' }, context)).toMatchObject({
      label: 'acme',
      confidence: 1,
    });
    expect(codeOf(checkBox({ ...box, left: 'x' }, { confidence: 1 }, context))).toBe('ERROR_INVALID_BOUNDING_BOX');
    expect(codeOf(checkBox(box, {}, context))).toBe('ERROR_MISSING_BOUNDING_BOX_CONFIDENCE');
    expect(codeOf(checkBox(box, undefined, context))).toBe('ERROR_MISSING_BOUNDING_BOX_CONFIDENCE');
    expect(codeOf(checkBox({ ...box, class_id: 3 }, { confidence: 1 }, context))).toBe('ERROR_MISSING_CLASS_MAP_ID');
    expect(codeOf(checkBox(box, { confidence: 1 }, { ...context, classMap: { '0': 'x'.repeat(300) } }))).toBe(
      'ERROR_INVALID_LABEL_NAME_LENGTH',
    );
  });
});
