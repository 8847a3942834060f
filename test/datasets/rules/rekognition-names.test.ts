import {
  projectNameForRun,
  REKOGNITION_NAME_MAX,
  runTags,
  sanitizeRekognitionName,
  versionNameForRun,
} from '../../../functions/datasets/rules/rekognition-names';

const NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,255}$/;

describe('rekognition-names', () => {
  it('names the project after the project name and the run id', () => {
    expect(projectNameForRun('brand-logos', 'logos-2026-11-3f9a1c2be4d7')).toBe(
      'brand-logos-logos-2026-11-3f9a1c2be4d7',
    );
  });

  it('gives the same name on every attempt of one run', () => {
    expect(projectNameForRun('brand-logos', 'run-1')).toBe(projectNameForRun('brand-logos', 'run-1'));
  });

  it('replaces characters outside the ProjectName pattern with a hyphen', () => {
    expect(sanitizeRekognitionName('Brand Logos/2026 (v2)')).toBe('Brand-Logos-2026-v2-');
    expect(projectNameForRun('Brand Logos', 'run:1')).toMatch(NAME_PATTERN);
  });

  it('shortens the project name, never the run id, to stay within 255 characters', () => {
    const name = projectNameForRun('p'.repeat(300), 'logos-2026-11-3f9a1c2be4d7');

    expect(name).toHaveLength(REKOGNITION_NAME_MAX);
    expect(name.endsWith('-logos-2026-11-3f9a1c2be4d7')).toBe(true);
    expect(name).toMatch(NAME_PATTERN);
  });

  it('keeps two runs of one long project name apart', () => {
    expect(projectNameForRun('p'.repeat(300), 'run-a')).not.toBe(projectNameForRun('p'.repeat(300), 'run-b'));
  });

  it('uses the run id alone when the project name is empty or the run id fills the limit', () => {
    expect(projectNameForRun('', 'run-1')).toBe('run-1');
    expect(projectNameForRun('brand', 'r'.repeat(300))).toBe('r'.repeat(255));
  });

  it('rejects a name with neither a project name nor a run id', () => {
    expect(() => projectNameForRun('', '')).toThrow(RangeError);
  });

  it('names the model version after the run id, within the VersionName pattern', () => {
    expect(versionNameForRun('logos-2026-11-3f9a1c2be4d7')).toBe('logos-2026-11-3f9a1c2be4d7');
    expect(versionNameForRun('x'.repeat(300))).toHaveLength(255);
    expect(versionNameForRun('a b')).toMatch(NAME_PATTERN);
    expect(() => versionNameForRun('')).toThrow(RangeError);
  });

  it('tags resources with the run id', () => {
    expect(runTags('run-1')).toEqual({ 'labeling-pipeline:run-id': 'run-1' });
  });
});
