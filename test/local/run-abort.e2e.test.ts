import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { type BatchToUpload, prepareBatch, uploadBatch } from '../../local-runtime/run/local-batch';
import { runLocalPipeline, startLocalEnvironment } from '../../local-runtime/run/run-local';
import { silentReporter } from '../../local-runtime/stack/local-stack';
import { LOCAL_S3_CREDENTIALS, type RunningS3Server, startS3Server } from '../../local-runtime/stand-ins/s3-server';

// A run must not outlive what it runs on: an abort stops its uploads, and a stopping environment
// aborts its runs and waits for them, so no upload fails later, in another test's time.
jest.setTimeout(180_000);

/** A reporter that aborts after `after` uploads have finished. */
const abortingAfter = (after: number, controller: AbortController) => ({
  ...silentReporter,
  progress: (_label: string, done: number) => {
    if (done === after) controller.abort();
  },
});

describe('uploadBatch with an abort signal', () => {
  const bucket = 'abort-test';
  let server: RunningS3Server;
  let s3: S3Client;
  let batch: BatchToUpload;

  beforeAll(async () => {
    server = await startS3Server();
    s3 = new S3Client({
      endpoint: server.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: LOCAL_S3_CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    batch = await prepareBatch({ seed: 3, sampleSize: 24, batchName: 'aborted' });
  });

  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  it('stops uploading, writes no batch.json and rejects with the abort', async () => {
    const controller = new AbortController();
    const upload = uploadBatch({ bucket, s3 }, batch, {}, abortingAfter(3, controller), controller.signal);
    await expect(upload).rejects.toMatchObject({ name: 'AbortError' });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'incoming/aborted/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    expect(keys).not.toContain('incoming/aborted/batch.json');
    // Three done, at most the four in flight besides: far from the whole batch.
    expect(keys.length).toBeLessThanOrEqual(3 + 4);
    expect(batch.files.length).toBeGreaterThan(20);
  });

  it('uploads everything and batch.json when not aborted', async () => {
    const done = await uploadBatch({ bucket, s3 }, { ...batch, name: 'whole' }, {}, silentReporter);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'incoming/whole/' }));
    expect({ key: done.key, count: listed.KeyCount }).toEqual({
      key: 'incoming/whole/batch.json',
      count: batch.files.length + 1,
    });
  });
});

describe('a local environment that stops with runs in flight', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'labeling-pipeline-run-abort-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('aborts a run that is still uploading and waits for it before closing the servers', async () => {
    const environment = await startLocalEnvironment({ waitMs: 50 });
    let uploading: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      uploading = resolve;
    });
    let settled = false;
    const run = runLocalPipeline({
      environment,
      seed: 5,
      sampleSize: 24,
      out: join(out, 'uploading'),
      reporter: { ...silentReporter, progress: () => uploading() },
    });
    const outcome = run.then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    void outcome.then(() => {
      settled = true;
    });
    await started;
    await environment.stop();
    expect(settled).toBe(true);
    expect(await outcome).toEqual({ error: expect.objectContaining({ message: 'the local environment is stopping' }) });
  });

  it('aborts a run whose execution waits for a person, which ends ABORTED with its files copied', async () => {
    const environment = await startLocalEnvironment({ waitMs: 50 });
    let ready: () => void = () => undefined;
    const jobReady = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const run = runLocalPipeline({
      environment,
      seed: 6,
      sampleSize: 3,
      labelers: 0,
      person: { email: 'waiting@example.com', password: 'Label-Me-2026!' },
      out: join(out, 'waiting'),
      onJobReady: () => ready(),
    });
    await jobReady;
    await environment.stop();
    const result = await run;
    expect({ status: result.status, copied: result.files.inputManifest !== undefined }).toEqual({
      status: 'ABORTED',
      copied: true,
    });
  });
});
