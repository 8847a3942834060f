import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { ValidationReport } from '../../functions/validation/contracts/validation-report';
import { planValidation } from '../../functions/validation/plan-validation/handler';
import { summarizeValidation } from '../../functions/validation/summarize-validation/handler';
import { validateImageBatch } from '../../functions/validation/validate-image-batch/handler';
import { jpegImage, pngImage } from '../fixtures/images';

const s3 = mockClient(S3Client);
const BUCKET = 'labeling-pipeline-local-data';
const PREFIX = 'incoming/big-batch/';
const run = { runId: 'big-batch-0123', bucket: BUCKET, prefix: PREFIX, runPrefix: 'runs/big-batch-0123/' };
const RESULTS = 'runs/big-batch-0123/validation/map-results/run-1/';

/** Lists `count` generated keys (plus batch.json) in pages of 1,000, as ListObjectsV2 would. */
const listGenerated = (count: number) => {
  const keys = [
    `${PREFIX}batch.json`,
    ...Array.from({ length: count }, (_, i) => `${PREFIX}${String(i).padStart(7, '0')}.jpg`),
  ];
  s3.on(ListObjectsV2Command).callsFake((input: { ContinuationToken?: string }) => {
    const start = Number(input.ContinuationToken ?? 0);
    return {
      Contents: keys.slice(start, start + 1000).map((Key) => ({ Key, Size: 5000, ETag: `"${Key}"` })),
      IsTruncated: start + 1000 < keys.length,
      NextContinuationToken: start + 1000 < keys.length ? String(start + 1000) : undefined,
    };
  });
};

/** Serves whole objects by key; records what is written. */
const serveObjects = (objects: Record<string, string | Buffer>) => {
  s3.on(GetObjectCommand).callsFake((input: { Key: string; Range?: string }) => {
    const body = Buffer.from(objects[input.Key] ?? '');
    const [, from, to] = /^bytes=(\d+)-(\d+)$/.exec(input.Range ?? '') ?? [];
    const part = from === undefined ? body : body.subarray(Number(from), Number(to) + 1);
    return { Body: sdkStreamMixin(Readable.from([part])) };
  });
  s3.on(PutObjectCommand).resolves({});
};

const inspected = (key: string, etag: string, reasons: { code: string; message: string }[] = []) => ({
  key: `${PREFIX}${key}`,
  etag,
  inspection: { format: 'jpeg', width: 640, height: 480, orientation: 1, bytes: 1000, reasons },
});
const jsonl = (lines: unknown[]) => lines.map((l) => `${JSON.stringify(l)}\n`).join('');

const writtenReport = () => {
  const put = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key?.endsWith('validation.json'));
  return ValidationReport.parse(JSON.parse(String(put?.args[0].input.Body)));
};

describe('validation map steps', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('plans a 150,000-object batch instead of refusing it: 601 child batches of 250 keys', async () => {
    listGenerated(150_000);

    const plan = await planValidation({ run });

    expect(plan).toEqual({
      objects: 150_000,
      listPrefix: PREFIX,
      exampleKeys: [],
      batches: 601,
      itemsPerBatch: 250,
      maxConcurrency: 10,
      toleratedFailurePercentage: 0,
      resultsPrefix: 'runs/big-batch-0123/validation/map-results/',
    });
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 151);
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it('validates one child batch, skipping batch.json and folder markers', async () => {
    const good = jpegImage(320, 240);
    serveObjects({ [`${PREFIX}a.jpg`]: good, [`${PREFIX}tiny.png`]: pngImage(16, 16) });

    const out = await validateImageBatch({
      Items: [
        { Key: `${PREFIX}a.jpg`, Size: good.length, Etag: '"a"' },
        { Key: `${PREFIX}batch.json`, Size: 2, Etag: '"b"' },
        { Key: `${PREFIX}sub/`, Size: 0, Etag: '"c"' },
        { Key: `${PREFIX}tiny.png`, Size: pngImage(16, 16).length, Etag: '"d"' },
      ],
      BatchInput: { bucket: BUCKET, prefix: PREFIX, exampleKeys: [] },
    });

    expect(out.map((o) => [o.key.slice(PREFIX.length), o.inspection.reasons.map((r) => r.code)])).toEqual([
      ['a.jpg', []],
      ['tiny.png', ['TOO_SMALL']],
    ]);
  });

  it('streams the result files into validation.json in listing order, with duplicates across children and a failed batch NOT_CHECKED', async () => {
    const failedInput = {
      Items: [
        { Key: `${PREFIX}m.jpg`, Size: 1000, Etag: '"em"' },
        { Key: `${PREFIX}n.jpg`, Size: 1000, Etag: '"en"' },
      ],
      BatchInput: { bucket: BUCKET, prefix: PREFIX, exampleKeys: [] },
    };
    serveObjects({
      [`${RESULTS}manifest.json`]: JSON.stringify({
        DestinationBucket: BUCKET,
        MapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:labeling-pipeline-dev/ValidateImages:run-1',
        ResultFiles: {
          SUCCEEDED: [{ Key: `${RESULTS}SUCCEEDED_0.jsonl`, Size: 1 }],
          FAILED: [{ Key: `${RESULTS}FAILED_0.jsonl`, Size: 1 }],
          PENDING: [],
        },
      }),
      // The later child finished first: its copy of a.jpg comes before the original in the file.
      [`${RESULTS}SUCCEEDED_0.jsonl`]: jsonl([
        inspected('x-copy.jpg', '"same"'),
        inspected('y.jpg', '"ey"', [{ code: 'TOO_SMALL', message: 'too small' }]),
        inspected('a.jpg', '"SAME"'),
        inspected('b.jpg', '"eb"'),
      ]),
      [`${RESULTS}FAILED_0.jsonl`]: jsonl([
        { Input: JSON.stringify(failedInput), Error: 'States.Timeout', Cause: 'child timed out', Status: 'FAILED' },
      ]),
    });

    const summary = await summarizeValidation({
      run,
      validationPlan: { batches: 3 },
      validationMap: {
        MapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:labeling-pipeline-dev/ValidateImages:run-1',
        ResultWriterDetails: { Bucket: BUCKET, Key: `${RESULTS}manifest.json` },
      },
    });

    expect(summary).toEqual({
      total: 6,
      accepted: 2,
      rejected: 4,
      byReason: { NOT_CHECKED: 2, DUPLICATE: 1, TOO_SMALL: 1 },
      reportUri: `s3://${BUCKET}/runs/big-batch-0123/validation.json`,
      batches: 3,
      failedBatches: 1,
    });
    const report = writtenReport();
    expect(report.images.map((i) => [i.key.slice(PREFIX.length), i.verdict, i.reasons.map((r) => r.code)])).toEqual([
      ['a.jpg', 'accepted', []],
      ['b.jpg', 'accepted', []],
      ['m.jpg', 'rejected', ['NOT_CHECKED']],
      ['n.jpg', 'rejected', ['NOT_CHECKED']],
      ['x-copy.jpg', 'rejected', ['DUPLICATE']],
      ['y.jpg', 'rejected', ['TOO_SMALL']],
    ]);
    expect(report.images[4]?.duplicateOf).toBe(`${PREFIX}a.jpg`);
    expect(report.images[2]?.reasons[0]?.message).toContain('States.Timeout');
    expect(report.totals).toEqual({ total: 6, accepted: 2, rejected: 4, byReason: summary.byReason });
  });

  it('fails with InvalidInput naming the file when a result line breaks the contract', async () => {
    serveObjects({
      [`${RESULTS}manifest.json`]: JSON.stringify({
        DestinationBucket: BUCKET,
        MapRunArn: 'arn:x',
        ResultFiles: { SUCCEEDED: [{ Key: `${RESULTS}SUCCEEDED_0.jsonl` }] },
      }),
      [`${RESULTS}SUCCEEDED_0.jsonl`]: '{"key":""}\n',
    });

    await expect(
      summarizeValidation({
        run,
        validationPlan: { batches: 1 },
        validationMap: { MapRunArn: 'arn:x', ResultWriterDetails: { Bucket: BUCKET, Key: `${RESULTS}manifest.json` } },
      }),
    ).rejects.toMatchObject({ name: 'InvalidInput', message: expect.stringContaining('validation result') });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });
});
