import {
  countOversizeImages,
  decideAutoLabeling,
  exceedsAutoLabelingResolution,
} from '../../../../functions/labeling/ground-truth/rules/auto-labeling';

describe('auto-labeling', () => {
  it('turns auto-labeling on when asked for and the batch has at least 1,250 objects within 3840x2160', () => {
    const decision = decideAutoLabeling({ requested: true, objects: 1_250, oversizeImages: 0 });

    expect(decision).toMatchObject({ enabled: true, code: 'ENABLED', objects: 1_250, minimumObjects: 1_250 });
    expect(decision.reason).toMatch(/AWS suggests at least 5000/);
  });

  it('drops the 5,000-object hint once the batch is that large', () => {
    expect(decideAutoLabeling({ requested: true, objects: 5_000, oversizeImages: 0 }).reason).not.toMatch(/suggests/);
  });

  it('keeps auto-labeling off for a batch below 1,250 objects and says why', () => {
    const decision = decideAutoLabeling({ requested: true, objects: 1_249, oversizeImages: 0 });

    expect(decision).toMatchObject({ requested: true, enabled: false, code: 'BATCH_TOO_SMALL' });
    expect(decision.reason).toBe('the batch has 1249 objects; automated data labeling needs at least 1250');
  });

  it('keeps auto-labeling off when it was not asked for, however large the batch', () => {
    expect(decideAutoLabeling({ requested: false, objects: 50_000, oversizeImages: 0 })).toMatchObject({
      requested: false,
      enabled: false,
      code: 'NOT_REQUESTED',
    });
  });

  it('keeps auto-labeling off when images exceed 3840x2160, since the job would fail', () => {
    const decision = decideAutoLabeling({ requested: true, objects: 2_000, oversizeImages: 3 });

    expect(decision).toMatchObject({ enabled: false, code: 'IMAGES_TOO_LARGE', oversizeImages: 3 });
    expect(decision.reason).toMatch(/3 images exceed 3840x2160/);
  });

  it('keeps auto-labeling off when image dimensions are unknown', () => {
    expect(decideAutoLabeling({ requested: true, objects: 2_000 })).toMatchObject({
      enabled: false,
      code: 'DIMENSIONS_UNKNOWN',
    });
  });

  it('reads the 3840x2160 limit literally, in landscape', () => {
    expect(exceedsAutoLabelingResolution(3_840, 2_160)).toBe(false);
    expect(exceedsAutoLabelingResolution(3_841, 2_160)).toBe(true);
    expect(exceedsAutoLabelingResolution(3_840, 2_161)).toBe(true);
    expect(exceedsAutoLabelingResolution(2_160, 3_840)).toBe(true);
  });

  it('counts only accepted images above the limit', () => {
    const images = [
      { accepted: true, width: 4_000, height: 3_000 },
      { accepted: true, width: 1_920, height: 1_080 },
      { accepted: false, width: 8_000, height: 8_000 },
      { accepted: false, width: null, height: null },
    ];

    expect(countOversizeImages(images)).toBe(1);
  });

  it('returns undefined when an accepted image has no dimensions', () => {
    expect(countOversizeImages([{ accepted: true, width: null, height: 600 }])).toBeUndefined();
  });
});
