import { InvalidInput } from '../../../../functions/kernel/errors';
import {
  checkLabelAttributeName,
  checkLabelingJobName,
  labelingJobNameFromArn,
} from '../../../../functions/labeling/ground-truth/rules/labeling-job-names';

describe('labeling-job-names', () => {
  describe('checkLabelingJobName', () => {
    it('accepts lower-case names of letters, digits and inner hyphens up to 63 characters', () => {
      expect(checkLabelingJobName('logos-2026-11-0123456789abcdef')).toBe('logos-2026-11-0123456789abcdef');
      expect(checkLabelingJobName('a'.repeat(63))).toHaveLength(63);
      expect(checkLabelingJobName('a--b')).toBe('a--b');
    });

    it.each([
      ['', /1-63 characters/],
      ['a'.repeat(64), /1-63 characters, got 64/],
      ['-logos', /inner hyphens/],
      ['logos-', /inner hyphens/],
      ['logos_2026', /inner hyphens/],
      ['logos.2026', /inner hyphens/],
      ['Logos-2026', /must be lower case/],
    ])('rejects %j with InvalidInput', (name, message) => {
      expect(() => checkLabelingJobName(name)).toThrow(InvalidInput);
      expect(() => checkLabelingJobName(name)).toThrow(message);
    });
  });

  describe('checkLabelAttributeName', () => {
    it('accepts a bounding-box attribute name', () => {
      expect(checkLabelAttributeName('bounding-box')).toBe('bounding-box');
      expect(checkLabelAttributeName('b'.repeat(127))).toHaveLength(127);
    });

    it.each([
      ['logos-ref', /must not end with "-ref"/],
      ['logos-REF', /must not end with "-ref"/],
      ['logos-metadata', /must not end with "-metadata"/],
      ['', /1-127 letters/],
      ['b'.repeat(128), /1-127 letters/],
      ['bounding_box', /1-127 letters/],
      ['-box', /1-127 letters/],
    ])('rejects %j with InvalidInput', (name, message) => {
      expect(() => checkLabelAttributeName(name)).toThrow(InvalidInput);
      expect(() => checkLabelAttributeName(name)).toThrow(message);
    });
  });

  describe('labelingJobNameFromArn', () => {
    it('takes the job name from the documented event resource', () => {
      expect(labelingJobNameFromArn('arn:aws:sagemaker:us-east-1:111122223333:labeling-job/test-labeling-job')).toBe(
        'test-labeling-job',
      );
    });

    it('lower-cases the name, since SageMaker names are case-insensitive', () => {
      expect(labelingJobNameFromArn('arn:aws:sagemaker:eu-west-1:111122223333:labeling-job/Logos-Job')).toBe(
        'logos-job',
      );
    });

    it.each([
      'arn:aws:sagemaker:us-east-1:111122223333:training-job/test-labeling-job',
      'arn:aws:states:us-east-1:111122223333:execution:sm:labeling-job/x',
      'arn:aws:sagemaker:us-east-1:111122223333:labeling-job/',
      'not an arn',
    ])('returns undefined for %j', (arn) => {
      expect(labelingJobNameFromArn(arn)).toBeUndefined();
    });
  });
});
