import { iou } from '../../functions/kernel/rules/boxes';
import {
  consolidateBoxes,
  formatCreationDate,
  type LabelingSimulationOptions,
  replayAnnotations,
  simulateLabelingJob,
} from '../../local-runtime/labelers/ground-truth-simulator';
import { generateSampleBatch, type TruthImage } from '../../local-runtime/sample/sample-batch';

type Json = Record<string, unknown>;

interface Annotation {
  class_id: number;
  left: number;
  top: number;
  width: number;
  height: number;
}

const ATTRIBUTE = 'logo-boxes';
const batch = generateSampleBatch({ seed: 11 });
const sourceRefFor = (name: string) => `s3://data-bucket/incoming/logos/${name}`;
const sourceRefs = Object.keys(batch.truth).map(sourceRefFor);
const truthByRef = new Map<string, TruthImage>(
  Object.entries(batch.truth).map(([name, truth]) => [sourceRefFor(name), truth]),
);

function options(overrides: Partial<LabelingSimulationOptions> = {}): LabelingSimulationOptions {
  return {
    sourceRefs,
    truthFor: (sourceRef) => truthByRef.get(sourceRef),
    labels: batch.labels,
    labelAttributeName: ATTRIBUTE,
    jobName: 'Logos-Run-7',
    workersPerObject: 3,
    autoLabeling: false,
    seed: 42,
    now: new Date('2026-11-25T10:00:00.000Z'),
    ...overrides,
  };
}

function parse(line: string): Json {
  return JSON.parse(line) as Json;
}

function metadataOf(record: Json): Json {
  return record[`${ATTRIBUTE}-metadata`] as Json;
}

function annotationsOf(record: Json): Annotation[] {
  return (record[ATTRIBUTE] as { annotations: Annotation[] }).annotations;
}

function isFailed(record: Json): boolean {
  return 'failure-reason' in metadataOf(record);
}

describe('simulateLabelingJob', () => {
  it('gives the same output for the same seed and a different one for another seed', () => {
    const first = simulateLabelingJob(options());
    const again = simulateLabelingJob(options());
    const other = simulateLabelingJob(options({ seed: 43 }));

    expect(again).toEqual(first);
    expect(other.outputLines).not.toEqual(first.outputLines);
  });

  it('answers every input object once, in input order, keeping source-ref first', () => {
    const { outputLines } = simulateLabelingJob(options());

    expect(outputLines.map((line) => parse(line)['source-ref'])).toEqual(sourceRefs);
    for (const line of outputLines) expect(Object.keys(parse(line))[0]).toBe('source-ref');
  });

  it('writes human-labeled lines in the Ground Truth bounding-box output format', () => {
    const { outputLines } = simulateLabelingJob(options());
    const labeled = outputLines.map(parse).filter((record) => !isFailed(record));

    expect(labeled.length).toBeGreaterThan(0);
    for (const record of labeled) {
      const truth = truthByRef.get(String(record['source-ref']));
      const attribute = record[ATTRIBUTE] as { image_size: unknown[]; annotations: Annotation[] };
      const metadata = metadataOf(record);
      const objects = metadata.objects as { confidence: number }[];
      const classIds = [...new Set(attribute.annotations.map((annotation) => String(annotation.class_id)))].sort();

      expect(attribute.image_size).toEqual([{ width: truth?.width, height: truth?.height, depth: 3 }]);
      expect(objects).toHaveLength(attribute.annotations.length);
      expect(Object.keys(metadata['class-map'] as Json).sort()).toEqual(classIds);
      for (const id of classIds) expect((metadata['class-map'] as Json)[id]).toBe(batch.labels[Number(id)]);
      expect(metadata.type).toBe('groundtruth/object-detection');
      expect(metadata['human-annotated']).toBe('yes');
      expect(metadata['job-name']).toBe('labeling-job/logos-run-7');
      expect(metadata['creation-date']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
      for (const { confidence } of objects) {
        expect(confidence).toBeGreaterThan(0);
        expect(confidence).toBeLessThanOrEqual(1);
      }
    }
  });

  it('consolidates the workers into boxes that match most true boxes with IoU of at least 0.7', () => {
    const { outputLines } = simulateLabelingJob(options({ failureRate: 0 }));
    let truthBoxes = 0;
    let matched = 0;
    for (const record of outputLines.map(parse)) {
      const truth = truthByRef.get(String(record['source-ref']));
      const annotations = annotationsOf(record);
      for (const box of truth?.boxes ?? []) {
        truthBoxes += 1;
        const best = Math.max(
          0,
          ...annotations
            .filter((annotation) => batch.labels[annotation.class_id] === box.label)
            .map((annotation) => iou(annotation, box)),
        );
        if (best >= 0.7) matched += 1;
      }
      for (const annotation of annotations) {
        expect(annotation.left).toBeGreaterThanOrEqual(0);
        expect(annotation.top).toBeGreaterThanOrEqual(0);
        expect(annotation.left + annotation.width).toBeLessThanOrEqual(truth?.width ?? 0);
        expect(annotation.top + annotation.height).toBeLessThanOrEqual(truth?.height ?? 0);
      }
    }

    expect(truthBoxes).toBeGreaterThan(20);
    expect(matched / truthBoxes).toBeGreaterThanOrEqual(0.9);
  });

  it('returns not-quite-integer coordinates when several workers are averaged', () => {
    const { outputLines } = simulateLabelingJob(options({ failureRate: 0 }));
    const coordinates = outputLines.map(parse).flatMap((record) => annotationsOf(record).map((a) => a.left));

    expect(coordinates.some((value) => !Number.isInteger(value))).toBe(true);
  });

  it('reports confidence 0 for every box when one worker labels each object', () => {
    const { outputLines } = simulateLabelingJob(options({ workersPerObject: 1, failureRate: 0 }));
    const confidences = outputLines
      .map(parse)
      .flatMap((record) => (metadataOf(record).objects as { confidence: number }[]).map((o) => o.confidence));

    expect(confidences.length).toBeGreaterThan(10);
    expect(new Set(confidences)).toEqual(new Set([0]));
  });

  it('gives an image without true boxes an empty annotation list', () => {
    const emptyRef = 's3://data-bucket/incoming/logos/plain-wall.jpg';
    const { outputLines } = simulateLabelingJob(
      options({
        sourceRefs: [emptyRef],
        truthFor: () => ({ width: 640, height: 480, boxes: [] }),
        failureRate: 0,
        workersPerObject: 1,
      }),
    );
    const record = parse(outputLines[0] ?? '{}');

    expect(record[ATTRIBUTE]).toEqual({ image_size: [{ width: 640, height: 480, depth: 3 }], annotations: [] });
    expect(metadataOf(record)).toMatchObject({ objects: [], 'class-map': {}, 'human-annotated': 'yes' });
  });

  it('ignores true boxes whose label is not one of the job labels', () => {
    const { outputLines } = simulateLabelingJob(
      options({
        sourceRefs: ['s3://data-bucket/a.png'],
        truthFor: () => ({
          width: 400,
          height: 300,
          boxes: [
            { label: 'acme', left: 10, top: 10, width: 80, height: 80 },
            { label: 'umbrella-corp', left: 200, top: 100, width: 90, height: 90 },
          ],
        }),
        labels: ['acme'],
        failureRate: 0,
        workersPerObject: 5,
      }),
    );
    const record = parse(outputLines[0] ?? '{}');

    expect(annotationsOf(record).map((annotation) => annotation.class_id)).toEqual([0]);
    expect(metadataOf(record)['class-map']).toEqual({ '0': 'acme' });
  });

  it('fails about failureRate of the objects, shaped as Ground Truth leaves them', () => {
    const refs = Array.from({ length: 40 }, (_, index) => `s3://data-bucket/incoming/many/image-${index}.jpg`);
    const truth: TruthImage = {
      width: 320,
      height: 240,
      boxes: [{ label: 'acme', left: 5, top: 5, width: 60, height: 60 }],
    };
    const { outputLines, counters } = simulateLabelingJob(
      options({ sourceRefs: refs, truthFor: () => truth, failureRate: 0.1 }),
    );
    const failed = outputLines.map(parse).filter(isFailed);

    expect(failed).toHaveLength(4);
    expect(counters.FailedNonRetryableError).toBe(4);
    for (const record of failed) {
      expect(Object.keys(record)).toEqual(['source-ref', `${ATTRIBUTE}-metadata`]);
      expect(metadataOf(record)).toEqual({
        'failure-reason': expect.stringMatching(/^ClientError: /),
        'human-annotated': 'yes',
        'job-name': 'labeling-job/logos-run-7',
      });
    }
  });

  it('fails about 5 % of the objects by default', () => {
    const { counters } = simulateLabelingJob(options({ failureRate: undefined }));

    expect(counters.FailedNonRetryableError).toBe(Math.round(sourceRefs.length * 0.05));
  });

  it('fails objects the simulated workforce has no truth for', () => {
    const unknown = 's3://data-bucket/incoming/logos/not-from-the-sample.png';
    const { outputLines, counters } = simulateLabelingJob(
      options({ sourceRefs: [unknown], truthFor: () => undefined, failureRate: 0 }),
    );

    expect(isFailed(parse(outputLines[0] ?? '{}'))).toBe(true);
    expect(counters).toEqual({
      TotalLabeled: 0,
      HumanLabeled: 0,
      MachineLabeled: 0,
      FailedNonRetryableError: 1,
      Unlabeled: 0,
    });
  });

  it('keeps the counters consistent with the lines', () => {
    for (const autoLabeling of [false, true]) {
      const { outputLines, counters } = simulateLabelingJob(options({ autoLabeling, failureRate: 0.1 }));
      const records = outputLines.map(parse);
      const failed = records.filter(isFailed).length;
      const machine = records.filter((r) => !isFailed(r) && metadataOf(r)['human-annotated'] === 'no').length;
      const human = records.filter((r) => !isFailed(r) && metadataOf(r)['human-annotated'] === 'yes').length;

      expect(counters).toEqual({
        TotalLabeled: human + machine,
        HumanLabeled: human,
        MachineLabeled: machine,
        FailedNonRetryableError: failed,
        Unlabeled: 0,
      });
      expect(human + machine + failed).toBe(sourceRefs.length);
    }
  });

  it('returns about 40 % machine-labeled objects with auto-labeling, shaped as auto-labeled lines', () => {
    const { outputLines, counters } = simulateLabelingJob(options({ autoLabeling: true, failureRate: 0 }));
    const machine = outputLines.map(parse).filter((record) => metadataOf(record)['human-annotated'] === 'no');
    const confidences = machine.flatMap((record) =>
      (metadataOf(record).objects as { confidence: number }[]).map((object) => object.confidence),
    );

    expect(counters.MachineLabeled).toBe(Math.round(sourceRefs.length * 0.4));
    expect(machine).toHaveLength(counters.MachineLabeled);
    for (const record of machine) {
      expect(metadataOf(record)).toMatchObject({ type: 'groundtruth/object-detection', 'job-name': 'logos-run-7' });
      expect(record[ATTRIBUTE]).toHaveProperty('image_size');
    }
    expect(confidences.some((confidence) => confidence < 0.5)).toBe(true);
    expect(confidences.every((confidence) => confidence > 0 && confidence < 1)).toBe(true);
  });

  it('labels the same objects by humans whether or not auto-labeling is on', () => {
    const human = simulateLabelingJob(options({ failureRate: 0 })).outputLines;
    const mixed = simulateLabelingJob(options({ autoLabeling: true, failureRate: 0 })).outputLines;
    const humanInMixed = mixed.filter((line) => metadataOf(parse(line))['human-annotated'] === 'yes');

    for (const line of humanInMixed) expect(human).toContain(line);
  });
});

describe('consolidateBoxes', () => {
  const box = { label: 'acme', left: 100, top: 100, width: 50, height: 50 };

  it('averages matching boxes and drops a box only a minority drew', () => {
    const result = consolidateBoxes([
      [box, { label: 'globex', left: 0, top: 0, width: 20, height: 20 }],
      [{ ...box, left: 102 }],
      [{ ...box, left: 104 }],
    ]);

    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ label: 'acme', left: 102, top: 100, width: 50, height: 50 });
    expect(result[0]?.confidence).toBeGreaterThan(0.9);
  });

  it('gives lower confidence when workers agree less', () => {
    const [tight] = consolidateBoxes([[box], [box], [box]]);
    const [loose] = consolidateBoxes([[box], [{ ...box, left: 112 }], [{ ...box, top: 90 }]]);

    expect(tight?.confidence).toBe(1);
    expect(loose?.confidence).toBeLessThan(tight?.confidence ?? 0);
  });

  it('does not merge boxes of different labels', () => {
    const result = consolidateBoxes([[box], [{ ...box, label: 'globex' }]]);

    expect(result).toEqual([]);
  });
});

describe('formatCreationDate', () => {
  it('formats as %Y-%m-%dT%H:%M:%S.%f in UTC', () => {
    expect(formatCreationDate(new Date('2018-10-18T22:18:13.527Z'))).toBe('2018-10-18T22:18:13.527000');
  });
});

describe('replayAnnotations', () => {
  const userLine = (sourceRef: string, extra: Json = {}) =>
    JSON.stringify({
      'source-ref': sourceRef,
      id: 'kept-key',
      'their-job': {
        image_size: [{ width: 500, height: 400, depth: 3 }],
        annotations: [{ class_id: 0, left: 111, top: 134, width: 61, height: 128 }],
      },
      'their-job-metadata': {
        objects: [{ confidence: 0.8 }],
        'class-map': { '0': 'acme' },
        type: 'groundtruth/object-detection',
        'human-annotated': 'yes',
        'creation-date': '2018-10-18T22:18:13.527256',
        'job-name': 'labeling-job/their-job',
        ...extra,
      },
    });

  it('answers each object with the user line of the same file name, with our source-ref and everything else kept', () => {
    const annotationLines = [userLine('s3://elsewhere/photos/a.jpg'), '', userLine('s3://elsewhere/other/b.png')];
    const { outputLines, counters } = replayAnnotations({
      sourceRefs: ['s3://data-bucket/incoming/x/b.png', 's3://data-bucket/incoming/x/a.jpg'],
      annotationLines,
    });

    expect(outputLines.map(parse)).toEqual([
      { ...parse(annotationLines[2] ?? ''), 'source-ref': 's3://data-bucket/incoming/x/b.png' },
      { ...parse(annotationLines[0] ?? ''), 'source-ref': 's3://data-bucket/incoming/x/a.jpg' },
    ]);
    expect(Object.keys(parse(outputLines[0] ?? ''))[0]).toBe('source-ref');
    expect(counters).toEqual({
      TotalLabeled: 2,
      HumanLabeled: 2,
      MachineLabeled: 0,
      FailedNonRetryableError: 0,
      Unlabeled: 0,
    });
  });

  it('returns objects without an answer as failed objects', () => {
    const { outputLines, counters } = replayAnnotations({
      sourceRefs: ['s3://data-bucket/incoming/x/missing.jpg'],
      annotationLines: [userLine('s3://elsewhere/photos/a.jpg')],
    });

    expect(parse(outputLines[0] ?? '')).toEqual({
      'source-ref': 's3://data-bucket/incoming/x/missing.jpg',
      'their-job-metadata': {
        'failure-reason': expect.stringMatching(/^ClientError: /),
        'human-annotated': 'yes',
        'job-name': expect.stringMatching(/^labeling-job\//),
      },
    });
    expect(counters.FailedNonRetryableError).toBe(1);
    expect(counters.TotalLabeled).toBe(0);
  });

  it('renames the user label attribute to ours when asked', () => {
    const { outputLines } = replayAnnotations({
      sourceRefs: ['s3://data-bucket/incoming/x/a.jpg'],
      annotationLines: [userLine('s3://elsewhere/a.jpg')],
      labelAttributeName: 'bounding-box',
    });
    const record = parse(outputLines[0] ?? '');

    expect(Object.keys(record)).toEqual(['source-ref', 'id', 'bounding-box', 'bounding-box-metadata']);
    expect(record['bounding-box-metadata']).toMatchObject({ 'job-name': 'labeling-job/their-job' });
  });

  it('counts machine-labeled and failed user lines as such', () => {
    const { counters } = replayAnnotations({
      sourceRefs: ['s3://b/x/a.jpg', 's3://b/x/c.jpg'],
      annotationLines: [
        userLine('s3://e/a.jpg', { 'human-annotated': 'no' }),
        JSON.stringify({ 'source-ref': 's3://e/c.jpg', 'their-job-metadata': { 'failure-reason': 'ClientError: x' } }),
      ],
    });

    expect(counters).toEqual({
      TotalLabeled: 1,
      HumanLabeled: 0,
      MachineLabeled: 1,
      FailedNonRetryableError: 1,
      Unlabeled: 0,
    });
  });

  it('names the line that is not JSON', () => {
    expect(() =>
      replayAnnotations({ sourceRefs: [], annotationLines: [userLine('s3://e/a.jpg'), '{"source-ref": '] }),
    ).toThrow(/line 2 is not JSON/);
  });

  it('names the line that is not a Ground Truth output line', () => {
    expect(() => replayAnnotations({ sourceRefs: [], annotationLines: ['{"source-ref":"s3://e/a.jpg"}'] })).toThrow(
      /line 1 is not a Ground Truth output line/,
    );
  });
});
