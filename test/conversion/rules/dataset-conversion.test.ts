import type { DatasetReport } from '../../../functions/conversion/contracts/dataset-report';
import { convertOutputManifest } from '../../../functions/conversion/rules/dataset-conversion';
import { readManifestBatches } from '../../../functions/conversion/rules/line-reader';
import { validateRekognitionManifest } from '../../../local-runtime/stand-ins/rekognition-manifest';
import { BUCKET, gtText } from '../../fixtures/gt-line';
import { memoryPorts, quirksStream } from '../../fixtures/memory-ports';

const OPTIONS = { source: 'test', generatedAt: '2026-11-25T00:00:00.000Z', testFraction: 0.2, minConfidence: 0.5 };

async function* chunks(...texts: string[]) {
  yield* texts;
}

const convertQuirks = async (extra: Partial<Parameters<typeof convertOutputManifest>[2]> = {}) => {
  const { ports, written } = memoryPorts();
  const report = await convertOutputManifest(readManifestBatches(quirksStream()), ports, { ...OPTIONS, ...extra });
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

  it('takes the first accepted line’s bucket when no bucket is expected', async () => {
    const { ports, written } = memoryPorts();
    const lines = [
      '{"source-ref":"s3://first-bucket/broken.jpg"}',
      gtText({ sourceRef: 's3://second-bucket/a.jpg' }),
      gtText({ sourceRef: 's3://third-bucket/b.jpg' }),
    ];

    const report = await convertOutputManifest(readManifestBatches(chunks(lines.join('\n'))), ports, OPTIONS);

    expect(report.bucket).toBe('second-bucket');
    expect(codesByLine(report)).toEqual(['1 LABELING_FAILED', '3 ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS']);
    expect(written.train).toHaveLength(1);
  });

  it('opens no output when no line is usable and says why in the report', async () => {
    const { ports, written } = memoryPorts();

    const report = await convertOutputManifest(
      readManifestBatches(chunks('{"source-ref":"s3://b/1.jpg"}\nnot json\n')),
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

    const report = await convertOutputManifest(readManifestBatches(chunks(text)), ports, {
      ...OPTIONS,
      rejectedListLimit: 10,
    });

    expect(report.rejected).toHaveLength(10);
    expect(report.rejectedTotal).toBe(30);
    expect(report.rejectedByReason).toEqual({ LABELING_FAILED: 30 });
  });

  it('warns when the test set would be empty', async () => {
    const { ports } = memoryPorts();

    const report = await convertOutputManifest(readManifestBatches(chunks(gtText())), ports, OPTIONS);

    expect(report.test).toBe(0);
    expect(report.warnings.join(' ')).toContain('test set is empty');
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

    await expect(convertOutputManifest(readManifestBatches(chunks(gtText())), ports, OPTIONS)).rejects.toThrow(
      'disk full',
    );
    expect(aborted).toHaveLength(2);
  });

  it('reports a record longer than the reader allows as MALFORMED_LINE', async () => {
    const { ports } = memoryPorts();
    const text = `{"source-ref":"s3://b/${'x'.repeat(1200)}.jpg"}\n${gtText()}\n`;

    const report = await convertOutputManifest(
      readManifestBatches(chunks(text), { maxRecordChars: 1000 }),
      ports,
      OPTIONS,
    );

    expect(codesByLine(report)).toEqual(['1 MALFORMED_LINE']);
    expect(report.accepted).toBe(1);
  });
});
