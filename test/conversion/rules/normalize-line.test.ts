import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { LabelRegistry } from '../../../functions/conversion/rules/label-registry';
import {
  datasetLineFromJson,
  formatDatasetLine,
  type NormalizeResult,
  normalizeLine,
} from '../../../functions/conversion/rules/normalize-line';
import { type ParsedOutputLine, parseOutputRecord } from '../../../functions/conversion/rules/output-manifest';
import { validateRekognitionManifest } from '../../../local-runtime/stand-ins/rekognition-manifest';
import { type BoxSpec, gtText, type LineSpec } from '../../fixtures/gt-line';

const AWS_DOCS_LINE = readFileSync(
  join(__dirname, '../../fixtures/aws-docs/rekognition-object-detection-line.manifest'),
  'utf8',
).trim();

const parsed = (text: string): ParsedOutputLine => {
  const outcome = parseOutputRecord({ text }, undefined);
  if (!outcome.ok) throw new Error(`fixture did not parse: ${outcome.problem.message}`);
  return outcome.line;
};

const run = (spec: LineSpec, minConfidence = 0, registry = new LabelRegistry()): NormalizeResult =>
  normalizeLine(parsed(gtText(spec)), registry, { minConfidence });

const codes = (result: NormalizeResult) =>
  result.findings.map((f) => (f.box === undefined ? f.code : `${f.code}@${f.box}`));

const box = (overrides: Partial<BoxSpec> = {}): BoxSpec => ({
  class_id: 0,
  left: 10,
  top: 10,
  width: 50,
  height: 50,
  ...overrides,
});

describe('normalize-line', () => {
  it('accepts the AWS documentation sample line as-is: same boxes, labels, metadata', () => {
    const registry = new LabelRegistry();

    const { line, findings } = normalizeLine(parsed(AWS_DOCS_LINE), registry, { minConfidence: 0 });
    const text = line && formatDatasetLine(line, 'bounding-box', registry);

    expect(findings).toEqual([]);
    expect(line?.boxes.map((b) => [registry.nameOf(b.labelId), b.left, b.top, b.width, b.height])).toEqual([
      ['Echo Dot', 399, 251, 155, 101],
      ['Echo', 86, 65, 220, 334],
    ]);
    expect(validateRekognitionManifest([text ?? ''])).toMatchObject({ entries: 1, labeled: 1, invalid: [] });
    expect(JSON.parse(text ?? '')['bounding-box-metadata']).toMatchObject({
      'human-annotated': 'yes',
      'creation-date': '2013-11-18T02:53:27',
      'job-name': 'my job',
      type: 'groundtruth/object-detection',
    });
  });

  it('drops a bad box and keeps the line with the others', () => {
    const result = run({ boxes: [box(), box({ class_id: 9 }), box({ left: 900 })] });

    expect(result.line?.boxes).toHaveLength(1);
    expect(codes(result)).toEqual(['ERROR_MISSING_CLASS_MAP_ID@1', 'ERROR_INVALID_BOUNDING_BOX@2']);
  });

  it('drops the line with ERROR_NO_VALID_ANNOTATIONS when every box is dropped', () => {
    const result = run({ boxes: [box({ width: 0.4 })] });

    expect(result.line).toBeUndefined();
    expect(codes(result)).toEqual(['ERROR_BOUNDING_BOX_TOO_SMALL@0', 'ERROR_NO_VALID_ANNOTATIONS']);
  });

  it('leaves out a line without boxes with WARNING_NO_ANNOTATIONS', () => {
    expect(codes(run({ boxes: [] }))).toEqual(['WARNING_NO_ANNOTATIONS']);
  });

  it('drops a line with more than 50 boxes with ERROR_TOO_MANY_BOUNDING_BOXES', () => {
    const boxes = Array.from({ length: 51 }, (_, i) => box({ left: (i % 10) * 60, top: Math.floor(i / 10) * 60 }));

    expect(codes(run({ boxes }))).toEqual(['ERROR_TOO_MANY_BOUNDING_BOXES']);
    expect(run({ boxes: boxes.slice(0, 50) }).line?.boxes).toHaveLength(50);
  });

  it('drops a line whose objects (confidences) do not match its annotations', () => {
    const text = gtText({ boxes: [box(), box()] }).replace(
      '"objects":[{"confidence":0},{"confidence":0}]',
      '"objects":[{"confidence":0}]',
    );

    expect(codes(normalizeLine(parsed(text), new LabelRegistry(), { minConfidence: 0 }))).toEqual([
      'ERROR_MISSING_BOUNDING_BOX_CONFIDENCE',
    ]);
  });

  it('drops an image outside 64–4096 px with ERROR_INVALID_IMAGE_DIMENSION', () => {
    expect(codes(run({ width: 50, height: 50, boxes: [box({ width: 20, height: 20 })] }))).toEqual([
      'ERROR_INVALID_IMAGE_DIMENSION',
    ]);
  });

  it('drops a machine label below the minimum confidence with LOW_CONFIDENCE, but never a human one', () => {
    const machine = run({ human: 'no', boxes: [box({ confidence: 0.9 }), box({ confidence: 0.4 })] }, 0.5);
    const human = run({ human: 'yes', boxes: [box({ confidence: 0 })] }, 0.5);
    const confident = run({ human: 'no', jobName: 'logos', boxes: [box({ confidence: 0.95 })] }, 0.5);

    expect(codes(machine)).toEqual(['LOW_CONFIDENCE']);
    expect(human.line).toBeDefined();
    expect(confident.line).toMatchObject({ humanAnnotated: 'no', jobName: 'logos' });
  });

  it('maps per-line class ids to dataset-wide ids by label name', () => {
    const registry = new LabelRegistry(['acme', 'globex']);

    const a = run({ classMap: { '5': 'globex' }, boxes: [box({ class_id: 5 })] }, 0, registry);
    const b = run(
      { classMap: { '0': 'initech', '1': 'acme' }, boxes: [box({ class_id: 0 }), box({ class_id: 1 })] },
      0,
      registry,
    );
    const text = b.line && formatDatasetLine(b.line, 'bounding-box', registry);

    expect(a.line?.boxes.map((x) => x.labelId)).toEqual([1]);
    expect(b.line?.boxes.map((x) => x.labelId)).toEqual([2, 0]);
    expect(JSON.parse(text ?? '')['bounding-box-metadata']['class-map']).toEqual({ '0': 'acme', '2': 'initech' });
  });

  it('refuses boxes of a 251st label with ERROR_TOO_MANY_LABELS', () => {
    const registry = new LabelRegistry();
    for (let i = 0; i < 250; i += 1) run({ classMap: { '0': `label-${i}` } }, 0, registry);

    const result = run(
      { classMap: { '0': 'label-250', '1': 'label-0' }, boxes: [box(), box({ class_id: 1 })] },
      0,
      registry,
    );

    expect(codes(result)).toEqual(['ERROR_TOO_MANY_LABELS@0']);
    expect(result.line?.boxes.map((b) => registry.nameOf(b.labelId))).toEqual(['label-0']);
    expect(registry.usedNames()).toHaveLength(250);
  });

  it('writes compact JSON with only source-ref, the attribute and its metadata, and reads it back', () => {
    const registry = new LabelRegistry();
    const record = JSON.parse(gtText({ boxes: [box({ left: 10.6, confidence: 0.8 })] }));
    record.id = 'pass-through';
    const { line } = normalizeLine(parsed(JSON.stringify(record)), registry, { minConfidence: 0 });

    const text = line ? formatDatasetLine(line, 'bounding-box', registry) : '';

    expect(text).not.toContain('\n');
    expect(Object.keys(JSON.parse(text))).toEqual(['source-ref', 'bounding-box', 'bounding-box-metadata']);
    expect(JSON.parse(text)['bounding-box'].annotations).toEqual([
      { class_id: 0, left: 11, top: 10, width: 50, height: 50 },
    ]);
    expect(datasetLineFromJson(text, 'bounding-box')).toEqual(line);
  });

  it('always writes valid JSON that reads back to the same line, whatever the names and numbers', () => {
    const names = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(
        names,
        fc.string({ unit: 'grapheme' }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (labels, key, confidence) => {
          const registry = new LabelRegistry(labels);
          const line = {
            sourceRef: `s3://b/${key}`,
            width: 640,
            height: 480,
            depth: 3,
            humanAnnotated: 'no' as const,
            creationDate: '2026-11-20T10:15:30',
            jobName: key,
            boxes: labels.map((_, labelId) => ({ labelId, left: 1, top: 2, width: 30, height: 40, confidence })),
          };

          const text = formatDatasetLine(line, 'bounding-box', registry);

          expect(datasetLineFromJson(text, 'bounding-box')).toEqual(line);
          expect(Object.values(JSON.parse(text)['bounding-box-metadata']['class-map'])).toEqual(labels);
        },
      ),
    );
  });
});
