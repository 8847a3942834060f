import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateRekognitionManifest } from '../../local-runtime/stand-ins/rekognition-manifest';
import { gtRecord, gtText } from '../fixtures/gt-line';

const AWS_DOCS_LINES = readFileSync(
  join(__dirname, '../fixtures/aws-docs/rekognition-object-detection-line.manifest'),
  'utf8',
).split('\n');

const codes = (lines: string[]) => validateRekognitionManifest(lines).invalid.map((i) => `${i.line} ${i.code}`);

const withMeta = (patch: Record<string, unknown>) => {
  const record = gtRecord();
  Object.assign(record['bounding-box-metadata'] as object, patch);
  return JSON.stringify(record);
};

describe('rekognition-manifest', () => {
  it('accepts the AWS documentation sample line', () => {
    expect(validateRekognitionManifest(AWS_DOCS_LINES)).toEqual({
      entries: 1,
      labeled: 1,
      invalid: [],
      labels: ['Echo', 'Echo Dot'],
    });
  });

  it.each([
    ['broken JSON', '{"source-ref":', 'ERROR_INVALID_JSON_LINE'],
    ['a JSON array', '[]', 'ERROR_INVALID_JSON_LINE'],
    ['no source-ref', '{"x":1}', 'ERROR_MISSING_SOURCE_REF'],
    ['an https source-ref', gtText({ sourceRef: 'https://example.com/a.jpg' }), 'ERROR_INVALID_SOURCE_REF_FORMAT'],
    ['no label attribute', '{"source-ref":"s3://labeling-pipeline-local-data/a.jpg"}', 'ERROR_NO_LABEL_ATTRIBUTES'],
    [
      'a semantic-segmentation type',
      gtText({ type: 'groundtruth/semantic-segmentation' }),
      'ERROR_UNSUPPORTED_USE_CASE_TYPE',
    ],
    [
      'metadata without creation-date',
      withMeta({ 'creation-date': undefined }),
      'ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT',
    ],
    [
      'a missing image_size',
      JSON.stringify({ ...gtRecord(), 'bounding-box': { annotations: [] } }),
      'ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT',
    ],
    ['a 5000 px image', gtText({ width: 5000 }), 'ERROR_INVALID_IMAGE_DIMENSION'],
    ['a missing confidence', withMeta({ objects: [] }), 'ERROR_MISSING_BOUNDING_BOX_CONFIDENCE'],
    ['a class id missing from the map', withMeta({ 'class-map': { '1': 'x' } }), 'ERROR_MISSING_CLASS_MAP_ID'],
    ['a 300-character label', withMeta({ 'class-map': { '0': 'x'.repeat(300) } }), 'ERROR_INVALID_LABEL_NAME_LENGTH'],
    [
      'a box off the frame',
      gtText({ boxes: [{ class_id: 0, left: 600, top: 0, width: 50, height: 50 }] }),
      'ERROR_INVALID_BOUNDING_BOX',
    ],
    [
      'a string coordinate',
      gtText({ boxes: [{ class_id: 0, left: '6', top: 0, width: 50, height: 50 }] }),
      'ERROR_INVALID_BOUNDING_BOX',
    ],
    [
      'a 1 px box',
      gtText({ boxes: [{ class_id: 0, left: 6, top: 0, width: 1, height: 50 }] }),
      'ERROR_BOUNDING_BOX_TOO_SMALL',
    ],
  ])('flags %s with %s', (_case, line, code) => {
    expect(codes([line])).toContain(`1 ${code}`);
  });

  it('flags more than 50 boxes with ERROR_TOO_MANY_BOUNDING_BOXES', () => {
    const boxes = Array.from({ length: 51 }, (_, i) => ({ class_id: 0, left: i * 10, top: 0, width: 8, height: 8 }));

    expect(codes([gtText({ boxes })])).toEqual(['1 ERROR_TOO_MANY_BOUNDING_BOXES']);
  });

  it('adds ERROR_NO_VALID_ANNOTATIONS when every box of a line is invalid', () => {
    const line = gtText({ boxes: [{ class_id: 0, left: -1, top: 0, width: 50, height: 50 }] });

    expect(codes([line])).toEqual(['1 ERROR_INVALID_BOUNDING_BOX', '1 ERROR_NO_VALID_ANNOTATIONS']);
  });

  it('flags images from a second bucket', () => {
    const lines = [gtText(), gtText({ sourceRef: 's3://other/a.jpg' })];

    expect(codes(lines)).toEqual(['2 ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS']);
  });

  it('counts a line without boxes as an entry that is not labeled', () => {
    expect(validateRekognitionManifest([gtText({ boxes: [] })])).toMatchObject({ entries: 1, labeled: 0, invalid: [] });
  });

  it('accepts image-level classification lines', () => {
    const line = JSON.stringify({
      'source-ref': 's3://b/a.jpg',
      label: 1,
      'label-metadata': { 'class-name': 'acme', type: 'groundtruth/image-classification' },
    });

    expect(validateRekognitionManifest([line])).toMatchObject({ labeled: 1, invalid: [], labels: ['acme'] });
  });

  it('counts blank lines inside the manifest as invalid but ignores trailing ones', () => {
    const result = validateRekognitionManifest([gtText(), '', gtText(), '', '']);

    expect(result.entries).toBe(3);
    expect(result.invalid).toEqual([{ line: 2, code: 'ERROR_INVALID_JSON_LINE', message: 'blank line' }]);
  });

  it('reports an empty manifest, too many labels and too many lines at line 0', () => {
    const many = Array.from({ length: 251 }, (_, i) => gtText({ classMap: { '0': `l${i}` } }));

    expect(codes([])).toEqual(['0 ERROR_EMPTY_MANIFEST']);
    expect(codes(many)).toEqual(['0 ERROR_MANIFEST_TOO_MANY_LABELS']);
    expect(codes(Array(250_001).fill('{"source-ref":"s3://b/k"}'))).toContain('0 ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM');
  });
});
