import type { DatasetReport } from '../../../functions/conversion/contracts/dataset-report';
import { convertOutputManifest } from '../../../functions/conversion/rules/dataset-conversion';
import { LabelRegistry } from '../../../functions/conversion/rules/label-registry';
import { readManifestBatches } from '../../../functions/conversion/rules/line-reader';
import { formatDatasetLine, normalizeLine } from '../../../functions/conversion/rules/normalize-line';
import { parseOutputRecord } from '../../../functions/conversion/rules/output-manifest';
import { validateRekognitionManifest } from '../../../local-runtime/stand-ins/rekognition-manifest';
import { BUCKET, gtText } from '../../fixtures/gt-line';

import { memoryPorts, quirksStream } from '../../fixtures/memory-ports';

/** One converted line as the conversion writes it, to size limits in tests. */
const formatOne = (): string => {
  const parsed = parseOutputRecord({ text: gtText({ sourceRef: `s3://${BUCKET}/img-10.jpg` }) }, undefined);
  if (!parsed.ok) throw new Error('fixture line does not parse');
  const registry = new LabelRegistry();
  const { line } = normalizeLine(parsed.line, registry, { minConfidence: 0.5 });
  if (line === undefined) throw new Error('fixture line is not usable');
  return formatDatasetLine(line, parsed.line.attribute, registry);
};

const OPTIONS = { source: 'test', generatedAt: '2026-11-25T00:00:00.000Z', testFraction: 0.2, minConfidence: 0.5 };

async function* chunks(...texts: string[]) {
  yield* texts;
}

const convertQuirks = async (extra: Partial<Parameters<typeof convertOutputManifest>[2]> = {}) => {
  const { ports, written } = memoryPorts();
  const report = await convertOutputManifest(() => readManifestBatches(quirksStream()), ports, {
    ...OPTIONS,
    ...extra,
  });
  return { report, written };
};

const codesByLine = (report: DatasetReport) =>
  report.rejected.map((r) => `${r.line}${r.box === undefined ? '' : `#${r.box}`} ${r.code}`);

describe('dataset-conversion', () => {
  it('converts the quirks fixture: keeps the 8 usable images and reports every dropped line and box', async () => {
    const { report } = await convertQuirks({ labelAttributeName: 'bounding-box', expectedBucket: BUCKET });

    expect(report).toMatchObject({
      lines: 22,
      accepted: 8,
      rejectedLines: 14,
      droppedBoxes: 4,
      humanAnnotated: 7,
      machineAnnotated: 1,
    });
    expect(codesByLine(report)).toEqual([
      '2 LABELING_FAILED',
      '39 LABELING_FAILED',
      '40 ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS',
      '41 ERROR_INVALID_JSON_LINE',
      '42#1 ERROR_INVALID_BOUNDING_BOX',
      '43 LOW_CONFIDENCE',
      '44 ERROR_UNSUPPORTED_USE_CASE_TYPE',
      '45#0 ERROR_MISSING_CLASS_MAP_ID',
      '46 ERROR_MISSING_BOUNDING_BOX_CONFIDENCE',
      '47 ERROR_INVALID_IMAGE_DIMENSION',
      '48 ERROR_NO_VALID_ANNOTATIONS',
      '48#0 ERROR_BOUNDING_BOX_TOO_SMALL',
      '49 WARNING_NO_ANNOTATIONS',
      '50 DUPLICATE_IMAGE',
      '51 ERROR_TOO_MANY_BOUNDING_BOXES',
      '55 ERROR_INVALID_JSON_LINE',
      '56 ERROR_NO_VALID_ANNOTATIONS',
      '56#0 ERROR_INVALID_LABEL_NAME_LENGTH',
    ]);
    expect(report.rejected[0]).toMatchObject({
      sourceRef: `s3://${BUCKET}/incoming/logos/image-0002.jpg`,
      message: expect.stringContaining('annotation task expired'),
    });
  });

  it('writes train and test manifests that Rekognition imports with zero invalid lines and no shared image', async () => {
    const { report, written } = await convertQuirks({ labelAttributeName: 'bounding-box' });

    const train = validateRekognitionManifest(written.train);
    const test = validateRekognitionManifest(written.test);
    const refs = (lines: string[]) => lines.map((l) => JSON.parse(l)['source-ref']);

    expect(train.invalid).toEqual([]);
    expect(test.invalid).toEqual([]);
    expect(train.entries + test.entries).toBe(8);
    expect(train.entries).toBe(report.train);
    expect(test.labels.length).toBeGreaterThan(0);
    expect(refs(written.train).filter((r) => refs(written.test).includes(r))).toEqual([]);
    expect(new Set([...refs(written.train), ...refs(written.test)]).size).toBe(8);
  });

  it('counts images and boxes per label, un-counting the duplicate, and splits every label into both sets', async () => {
    const { report } = await convertQuirks();

    expect(report.labelImages).toEqual({ acme: 5, initech: 3, globex: 2 });
    expect(report.labels).toEqual({ acme: 5, initech: 3, globex: 2 });
    expect(report.boxes).toBe(10);
    for (const counts of Object.values(report.split)) {
      expect(counts.train).toBeGreaterThan(0);
      expect(counts.test).toBeGreaterThan(0);
    }
    expect(report.confidence.machine[9]).toBe(1);
    expect(report.confidence.human[0]).toBe(9);
  });

  it('detects the label attribute when none is given', async () => {
    const { report } = await convertQuirks();

    expect(report.labelAttributeName).toBe('bounding-box');
    expect(report.accepted).toBe(8);
  });

  /** `count` labeled lines in `bucket` under `attribute`, one image each. */
  const labeled = (count: number, bucket = BUCKET, attribute = 'bounding-box', from = 0) =>
    Array.from({ length: count }, (_, i) => gtText({ sourceRef: `s3://${bucket}/img-${from + i}.jpg`, attribute }));

  /** A source that counts how often the input is opened. */
  const countingSource = (lines: string[]) => {
    const source = Object.assign(
      () => {
        source.opened += 1;
        return readManifestBatches(chunks(lines.join('\n')));
      },
      { opened: 0 },
    );
    return source;
  };

  it('decides the bucket from the whole file: one stray first line is the one left out', async () => {
    const { ports, written } = memoryPorts();
    const source = countingSource([gtText({ sourceRef: 's3://other-bucket/stray.jpg' }), ...labeled(12)]);

    const report = await convertOutputManifest(source, ports, OPTIONS);

    expect(report).toMatchObject({ bucket: BUCKET, accepted: 12, rejectedLines: 1 });
    expect(codesByLine(report)).toEqual(['1 ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS']);
    expect(report.rejected[0]?.message).toBe(
      `image is in other-bucket; the dataset's images are in ${BUCKET} (one bucket per dataset)`,
    );
    expect(report.warnings).toContain(
      `1 line(s) have images in another bucket than ${BUCKET}, where most are, and were left out`,
    );
    expect(written.train.length + written.test.length).toBe(12);
    expect([...written.train, ...written.test].join('\n')).not.toContain('other-bucket');
    // The first line guessed wrong, so pass 1 ran again with the majority's bucket.
    expect(source.opened).toBe(2);
  });

  it('decides the label attribute from the whole file and names the other one in the reason', async () => {
    const { ports, written } = memoryPorts();
    const source = countingSource([...labeled(1, BUCKET, 'stray-job', 100), ...labeled(12)]);

    const report = await convertOutputManifest(source, ports, OPTIONS);

    expect(report).toMatchObject({ labelAttributeName: 'bounding-box', accepted: 12 });
    expect(report.rejected).toEqual([
      expect.objectContaining({
        line: 1,
        code: 'LABEL_ATTRIBUTE_MISMATCH',
        message:
          'the line is labeled under "stray-job"; the dataset uses "bounding-box" (one label attribute per dataset)',
      }),
    ]);
    expect(written.train.length + written.test.length).toBe(12);
  });

  it('reads the input once when the first line agrees with the majority', async () => {
    const { ports } = memoryPorts();
    const source = countingSource([...labeled(12), gtText({ sourceRef: 's3://other-bucket/late.jpg' })]);

    const report = await convertOutputManifest(source, ports, OPTIONS);

    expect(codesByLine(report)).toEqual(['13 ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS']);
    expect(source.opened).toBe(1);
  });

  it('keeps the given bucket and label attribute whatever most lines say, without a warning', async () => {
    const { ports } = memoryPorts();
    const lines = [...labeled(3, 'minority', 'logos'), ...labeled(12)];

    const report = await convertOutputManifest(countingSource(lines), ports, {
      ...OPTIONS,
      labelAttributeName: 'logos',
      expectedBucket: 'minority',
    });

    expect(report).toMatchObject({ labelAttributeName: 'logos', bucket: 'minority', accepted: 3 });
    expect(report.rejectedByReason).toEqual({ LABEL_ATTRIBUTE_MISMATCH: 12 });
    expect(report.warnings.join(' ')).not.toContain('left out');
  });

  it('breaks a tie between buckets in favour of the first one seen', async () => {
    const { ports } = memoryPorts();
    const lines = [...labeled(3, 'first-bucket'), ...labeled(3, 'second-bucket', 'bounding-box', 10)];

    const report = await convertOutputManifest(countingSource(lines), ports, OPTIONS);

    expect(report).toMatchObject({ bucket: 'first-bucket', accepted: 3 });
  });

  it('counts failed and unlabeled lines in no majority', async () => {
    const { ports } = memoryPorts();
    const failed = (i: number) =>
      `{"source-ref":"s3://failed-bucket/${i}.jpg","bounding-box-metadata":{"failure-reason":"x"}}`;
    const lines = [...Array.from({ length: 10 }, (_, i) => failed(i)), ...labeled(4)];

    const report = await convertOutputManifest(countingSource(lines), ports, OPTIONS);

    expect(report).toMatchObject({ bucket: BUCKET, accepted: 4 });
  });

  it('writes no manifest over Rekognition’s line limit, and says why', async () => {
    const { ports, written } = memoryPorts();
    const limits = { trainLines: 10, testLines: 10, manifestBytes: 1e9 };

    const report = await convertOutputManifest(countingSource(labeled(30)), ports, { ...OPTIONS, limits });

    expect(written.opened).toBe(0);
    expect(report.train).toBeGreaterThan(10);
    expect(report.blockers).toEqual([
      {
        code: 'ERROR_MANIFEST_ROWS_EXCEEDS_MAXIMUM',
        message: `the train set would have ${report.train} images; Rekognition imports at most 10 per manifest: split the input into several datasets`,
      },
    ]);
  });

  it('writes no manifest over Rekognition’s size limit, measured per manifest', async () => {
    const { ports, written } = memoryPorts();
    const lineBytes = Buffer.byteLength(formatOne()) + 1;
    // The whole dataset is over the limit, and so is train alone; test alone is not.
    const limits = { trainLines: 250_000, testLines: 250_000, manifestBytes: lineBytes * 20 };

    const report = await convertOutputManifest(countingSource(labeled(30)), ports, { ...OPTIONS, limits });

    expect(written.opened).toBe(0);
    expect(report.blockers.map((b) => b.code)).toEqual(['ERROR_MANIFEST_SIZE_TOO_LARGE']);
    expect(report.blockers[0]?.message).toMatch(/^the train manifest would be [\d,]+ bytes/);
  });

  it('opens no output when no line is usable and says why in the report', async () => {
    const { ports, written } = memoryPorts();

    const report = await convertOutputManifest(
      () => readManifestBatches(chunks('{"source-ref":"s3://b/1.jpg"}\nnot json\n')),
      ports,
      OPTIONS,
    );

    expect(written.opened).toBe(0);
    expect(report).toMatchObject({
      lines: 2,
      accepted: 0,
      rejectedByReason: { LABELING_FAILED: 1, ERROR_INVALID_JSON_LINE: 1 },
    });
    expect(report.labelAttributeName).toBeUndefined();
  });

  it('lists only the first rejections when there are many, but counts them all', async () => {
    const { ports } = memoryPorts();
    const text = Array.from({ length: 30 }, (_, i) => `{"source-ref":"s3://b/${i}.jpg"}`).join('\n');

    const report = await convertOutputManifest(() => readManifestBatches(chunks(text)), ports, {
      ...OPTIONS,
      rejectedListLimit: 10,
    });

    expect(report.rejected).toHaveLength(10);
    expect(report.rejectedTotal).toBe(30);
    expect(report.rejectedByReason).toEqual({ LABELING_FAILED: 30 });
  });

  it('refuses an empty test set (one image), unless told to allow it', async () => {
    const refused = memoryPorts();
    const allowed = memoryPorts();

    const report = await convertOutputManifest(() => readManifestBatches(chunks(gtText())), refused.ports, OPTIONS);
    const written = await convertOutputManifest(() => readManifestBatches(chunks(gtText())), allowed.ports, {
      ...OPTIONS,
      allowEmptyTest: true,
    });

    expect(report).toMatchObject({ train: 1, test: 0, blockers: [{ code: 'ERROR_EMPTY_MANIFEST' }] });
    expect(refused.written.opened).toBe(0);
    expect(written.blockers).toEqual([]);
    expect(written.warnings.join(' ')).toContain('test set is empty');
    expect(allowed.written).toMatchObject({ opened: 1, train: [expect.any(String)], test: [] });
  });

  it('refuses an empty test set when every label is on one image only', async () => {
    const { ports } = memoryPorts();
    const lines = [
      gtText({ sourceRef: `s3://${BUCKET}/a.jpg`, classMap: { '0': 'acme' } }),
      gtText({ sourceRef: `s3://${BUCKET}/b.jpg`, classMap: { '0': 'globex' } }),
    ];

    const report = await convertOutputManifest(countingSource(lines), ports, OPTIONS);

    expect(report).toMatchObject({ accepted: 2, test: 0, blockers: [{ code: 'ERROR_EMPTY_MANIFEST' }] });
  });

  it('aborts both outputs when writing fails', async () => {
    const { ports } = memoryPorts();
    const aborted: unknown[] = [];
    const failing = {
      write: () => Promise.reject(new Error('disk full')),
      close: async () => undefined,
      abort: (error: unknown) => {
        aborted.push(error);
      },
    };
    ports.openSinks = () => ({ train: failing, test: failing });

    await expect(
      convertOutputManifest(() => readManifestBatches(chunks(gtText())), ports, { ...OPTIONS, allowEmptyTest: true }),
    ).rejects.toThrow('disk full');
    expect(aborted).toHaveLength(2);
  });

  it('reports a record longer than the reader allows as MALFORMED_LINE', async () => {
    const { ports } = memoryPorts();
    const text = `{"source-ref":"s3://b/${'x'.repeat(1200)}.jpg"}\n${gtText()}\n`;

    const report = await convertOutputManifest(
      () => readManifestBatches(chunks(text), { maxRecordChars: 1000 }),
      ports,
      OPTIONS,
    );

    expect(codesByLine(report)).toEqual(['1 MALFORMED_LINE']);
    expect(report.accepted).toBe(1);
  });
});
