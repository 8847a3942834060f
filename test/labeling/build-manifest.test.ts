import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import sample from '../../events/start-labeling-job-input.json';
import { buildManifest, handler } from '../../functions/labeling/build-manifest/handler';
import type { ImageVerdict, ValidationReport } from '../../functions/validation/contracts/validation-report';
import { reportChunks, tallyVerdicts } from '../../functions/validation/rules/validation-report';
import { fakeContext } from '../fake-context';

const s3 = mockClient(S3Client);
const { run, validation } = sample;
const PREFIX = run.prefix;

const image = (key: string, verdict: 'accepted' | 'rejected'): ImageVerdict => ({
  key: `${PREFIX}${key}`,
  verdict,
  format: 'jpeg',
  width: 640,
  height: 480,
  bytes: 1000,
  reasons: verdict === 'accepted' ? [] : [{ code: 'TOO_SMALL', message: 'small' }],
});

const reportOf = (images: ImageVerdict[]): ValidationReport => ({
  version: 1,
  runId: run.runId,
  bucket: run.bucket,
  prefix: PREFIX,
  validatedAt: '2026-11-25T12:00:00.000Z',
  totals: tallyVerdicts(images),
  images,
});

const serveReport = (report: ValidationReport | string) => {
  const text = typeof report === 'string' ? report : [...reportChunks(report)].join('');
  s3.on(GetObjectCommand).callsFake(() => ({ Body: sdkStreamMixin(Readable.from([Buffer.from(text)])) }));
  s3.on(PutObjectCommand).resolves({});
};

const written = (suffix: string) =>
  String(s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key?.endsWith(suffix))?.args[0].input.Body);

describe('build-manifest handler', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('writes one source-ref line per accepted image, keys exactly as stored, and the label categories', async () => {
    const keys = ['red flower.jpg', 'ロゴ/画像 1.png', 'a+b.jpg', '100%.jpg', 'say "cheese".jpg'];
    serveReport(reportOf([...keys.map((k) => image(k, 'accepted')), image('tiny.jpg', 'rejected')]));

    const summary = await buildManifest({ run, validation });

    expect(summary).toEqual({
      manifestUri: `s3://${run.bucket}/${run.runPrefix}labeling/input.manifest`,
      labelCategoryConfigUri: `s3://${run.bucket}/${run.runPrefix}labeling/label-categories.json`,
      objects: 5,
    });
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: run.bucket,
      Key: `${run.runPrefix}validation.json`,
    });
    const lines = written('input.manifest').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual(
      keys.map((k) => ({ 'source-ref': `s3://${run.bucket}/${PREFIX}${k}` })),
    );
    expect(lines[0]).toBe(`{"source-ref":"s3://${run.bucket}/${PREFIX}red flower.jpg"}`);
    expect(JSON.parse(written('label-categories.json'))).toEqual({
      'document-version': '2018-11-28',
      labels: [{ label: 'acme' }, { label: 'globex' }, { label: 'initech' }],
    });
  });

  it('fails with InvalidInput naming a duplicate label before writing anything', async () => {
    serveReport(reportOf([image('a.jpg', 'accepted')]));

    await expect(buildManifest({ run: { ...run, labels: ['acme', 'Acme'] }, validation })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('"Acme"'),
    });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('fails with NoValidImages when validation.json holds no accepted image', async () => {
    serveReport(reportOf([image('a.jpg', 'rejected')]));

    await expect(buildManifest({ run, validation })).rejects.toMatchObject({ name: 'NoValidImages' });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('fails with InvalidInput when validation.json does not match its contract', async () => {
    serveReport('{"version":1,"images":"nope"}');

    await expect(buildManifest({ run, validation })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('validation.json is invalid'),
    });
  });

  it('fails the wrapped handler with InvalidInput when the validation summary is missing', async () => {
    await expect(handler({ run }, fakeContext)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('validation'),
    });
  });
});
