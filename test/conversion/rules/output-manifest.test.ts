import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  detectLabelAttribute,
  type ParseOutcome,
  parseOutputRecord,
} from '../../../functions/conversion/rules/output-manifest';
import { gtRecord, gtText } from '../../fixtures/gt-line';

const AWS_DOCS_LINE = readFileSync(
  join(__dirname, '../../fixtures/aws-docs/rekognition-object-detection-line.manifest'),
  'utf8',
).trim();

const parse = (text: string, attribute?: string): ParseOutcome => parseOutputRecord({ text }, attribute);
const codeOf = (outcome: ParseOutcome) => (outcome.ok ? 'OK' : outcome.problem.code);

describe('output-manifest', () => {
  it('parses the AWS documentation sample line with its attribute detected', () => {
    const outcome = parse(AWS_DOCS_LINE);

    expect(outcome.ok).toBe(true);
    expect(outcome.ok && outcome.line).toMatchObject({
      attribute: 'bounding-box',
      bucket: 'bucket',
      width: 640,
      height: 480,
      humanAnnotated: 'yes',
      jobName: 'my job',
      classMap: { '0': 'Echo', '1': 'Echo Dot' },
    });
  });

  it('uses an already parsed value instead of parsing the text again', () => {
    const outcome = parseOutputRecord({ text: 'ignored', value: gtRecord() }, 'bounding-box');

    expect(outcome.ok).toBe(true);
  });

  it('detects the attribute whose metadata has type groundtruth/object-detection, skipping other jobs', () => {
    const record = {
      ...gtRecord({ attribute: 'logos' }),
      'category-metadata': { type: 'groundtruth/image-classification' },
    };

    expect(detectLabelAttribute(record)).toBe('logos');
    expect(detectLabelAttribute({ 'source-ref': 's3://b/k' })).toBeUndefined();
  });

  it('reports a failed object (failure-reason in the metadata) as LABELING_FAILED with the reason', () => {
    const text = JSON.stringify({
      'source-ref': 's3://b/k.jpg',
      'bounding-box-metadata': { 'failure-reason': 'ClientError: task expired', 'retry-count': 1 },
    });

    const explicit = parse(text, 'bounding-box');
    const detected = parse(text);

    expect(codeOf(explicit)).toBe('LABELING_FAILED');
    expect(!explicit.ok && explicit.problem.message).toContain('task expired');
    expect(codeOf(detected)).toBe('LABELING_FAILED');
    expect(!detected.ok && detected.sourceRef).toBe('s3://b/k.jpg');
  });

  it('reports an object without a label attribute (unlabeled) as LABELING_FAILED', () => {
    expect(codeOf(parse('{"source-ref":"s3://b/k.jpg"}'))).toBe('LABELING_FAILED');
    expect(codeOf(parse('{"source-ref":"s3://b/k.jpg"}', 'bounding-box'))).toBe('LABELING_FAILED');
  });

  it('reports metadata without its label attribute as LABELING_FAILED and the reverse as ERROR_NO_LABEL_ATTRIBUTES', () => {
    const { 'bounding-box': _label, ...noLabel } = gtRecord();
    const { 'bounding-box-metadata': _meta, ...noMeta } = gtRecord();

    expect(codeOf(parse(JSON.stringify(noLabel), 'bounding-box'))).toBe('LABELING_FAILED');
    expect(codeOf(parse(JSON.stringify(noMeta), 'bounding-box'))).toBe('ERROR_NO_LABEL_ATTRIBUTES');
  });

  it.each([
    ['not JSON', 'nope', 'ERROR_INVALID_JSON_LINE'],
    ['a JSON array', '[1]', 'ERROR_INVALID_JSON_LINE'],
    ['no source-ref', JSON.stringify({ ...gtRecord(), 'source-ref': undefined }), 'ERROR_MISSING_SOURCE_REF'],
    [
      'an https source-ref',
      gtText({ sourceRef: 'https://b.s3.amazonaws.com/k.jpg' }),
      'ERROR_INVALID_SOURCE_REF_FORMAT',
    ],
    ['a source-ref without key', gtText({ sourceRef: 's3://bucket/' }), 'ERROR_INVALID_SOURCE_REF_FORMAT'],
    ['a classification type', gtText({ type: 'groundtruth/image-classification' }), 'ERROR_UNSUPPORTED_USE_CASE_TYPE'],
  ])('rejects %s with %s', (_case, text, code) => {
    expect(codeOf(parse(text, 'bounding-box'))).toBe(code);
  });

  it('reports a classification-only line as ERROR_UNSUPPORTED_USE_CASE_TYPE when detecting', () => {
    const text = JSON.stringify({
      'source-ref': 's3://b/k',
      c: 1,
      'c-metadata': { type: 'groundtruth/image-classification' },
    });

    expect(codeOf(parse(text))).toBe('ERROR_UNSUPPORTED_USE_CASE_TYPE');
  });

  it('rejects metadata missing creation-date or with a bad human-annotated value', () => {
    const noDate = gtRecord();
    delete (noDate['bounding-box-metadata'] as Record<string, unknown>)['creation-date'];
    const badHuman = gtRecord();
    (badHuman['bounding-box-metadata'] as Record<string, unknown>)['human-annotated'] = 'maybe';
    const badObjects = gtRecord();
    (badObjects['bounding-box-metadata'] as Record<string, unknown>).objects = 'x';

    for (const record of [noDate, badHuman, badObjects]) {
      expect(codeOf(parse(JSON.stringify(record), 'bounding-box'))).toBe(
        'ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT',
      );
    }
  });

  it('rejects a label attribute without image_size or annotations', () => {
    const record = gtRecord();
    record['bounding-box'] = { annotations: [] };

    expect(codeOf(parse(JSON.stringify(record), 'bounding-box'))).toBe('ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT');
  });

  it('accepts auto-labeled lines (human-annotated "no", job-name without prefix) and quoted numbers', () => {
    const record = gtRecord({ human: 'no', jobName: 'logos' });
    (record['bounding-box'] as { image_size: unknown[] }).image_size = [{ width: '640', height: '480' }];

    const outcome = parse(JSON.stringify(record), 'bounding-box');

    expect(outcome.ok && outcome.line).toMatchObject({ humanAnnotated: 'no', jobName: 'logos', width: 640, depth: 3 });
  });
});
