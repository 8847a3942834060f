import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  LOCAL_S3_CREDENTIALS,
  type RunningS3Server,
  removeStaleS3Folders,
  startS3Server,
} from '../../local-runtime/stand-ins/s3-server';

const BUCKET = 'local-test-bucket';

function clientFor(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: LOCAL_S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function getBytes(s3: S3Client, key: string, range?: string): Promise<Uint8Array> {
  const response = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: range }));
  if (!response.Body) throw new Error(`no body for ${key}`);
  return response.Body.transformToByteArray();
}

async function listAllKeys(s3: S3Client, prefix: string): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let pages = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }));
    pages += 1;
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { keys, pages };
}

describe('startS3Server', () => {
  let server: RunningS3Server;
  let s3: S3Client;

  beforeAll(async () => {
    server = await startS3Server();
    s3 = clientFor(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('listens on loopback with an OS-picked port', () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.endpoint).not.toBe('http://127.0.0.1:0');
  });

  it('creates a bucket that can be listed empty', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'another-bucket' }));
    const page = await s3.send(new ListObjectsV2Command({ Bucket: 'another-bucket' }));
    expect(page.KeyCount).toBe(0);
    expect(page.Contents ?? []).toEqual([]);
  });

  it('paginates ListObjectsV2 past 1,000 keys and returns every key exactly once', async () => {
    const expected = Array.from({ length: 1100 }, (_, index) => `many/object-${String(index).padStart(4, '0')}.txt`);
    for (let start = 0; start < expected.length; start += 50) {
      await Promise.all(
        expected
          .slice(start, start + 50)
          .map((key) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }))),
      );
    }

    const { keys, pages } = await listAllKeys(s3, 'many/');

    expect(pages).toBe(2);
    expect(keys).toHaveLength(1100);
    expect(new Set(keys).size).toBe(1100);
    expect([...keys].sort()).toEqual(expected);
  });

  it('serves ranged GETs with exactly the requested bytes', async () => {
    const body = Uint8Array.from({ length: 4096 }, (_, index) => (index * 7) % 256);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'ranged/bytes.bin', Body: body }));

    expect(await getBytes(s3, 'ranged/bytes.bin', 'bytes=0-15')).toEqual(body.subarray(0, 16));
    expect(await getBytes(s3, 'ranged/bytes.bin', 'bytes=1000-2999')).toEqual(body.subarray(1000, 3000));
    expect(await getBytes(s3, 'ranged/bytes.bin', 'bytes=4090-')).toEqual(body.subarray(4090));
  });

  it('stores a streamed multipart upload larger than 5 MB intact', async () => {
    const size = 12 * 1024 * 1024 + 12345;
    const bytes = new Uint8Array(size);
    let state = 0x12345678;
    for (let index = 0; index < size; index += 1) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      bytes[index] = state >>> 24;
    }
    const chunks = function* () {
      for (let offset = 0; offset < size; offset += 256 * 1024)
        yield Buffer.from(bytes.subarray(offset, offset + 256 * 1024));
    };

    const upload = new Upload({
      client: s3,
      params: { Bucket: BUCKET, Key: 'multipart/big.bin', Body: Readable.from(chunks()) },
      partSize: 5 * 1024 * 1024,
    });
    const parts: number[] = [];
    upload.on('httpUploadProgress', (progress) => {
      if (progress.part !== undefined) parts.push(progress.part);
    });
    await upload.done();

    const stored = await getBytes(s3, 'multipart/big.bin');
    expect(new Set(parts).size).toBe(3);
    expect(stored.length).toBe(size);
    expect(sha256(stored)).toBe(sha256(bytes));
  });

  it('round-trips a key with spaces, unicode and URL-special characters through put, list and get', async () => {
    const key = 'incoming/my batch/logo ü 東京 +%.png';
    const body = Buffer.from('not really a png, but exact bytes');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'image/png' }));

    const { keys } = await listAllKeys(s3, 'incoming/my batch/');
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));

    expect(keys).toEqual([key]);
    expect(head.ContentLength).toBe(body.length);
    expect(head.ContentType).toBe('image/png');
    expect(Buffer.from(await getBytes(s3, key))).toEqual(body);
  });

  it('stores a streamed PutObject intact from a client that sends checksums only when required', async () => {
    const body = Buffer.from('streamed body '.repeat(500));
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'streamed/put.txt',
        Body: Readable.from([body]),
        ContentLength: body.length,
      }),
    );

    expect(Buffer.from(await getBytes(s3, 'streamed/put.txt')).equals(body)).toBe(true);
  });

  it('decodes aws-chunked streamed uploads from a client with default checksum settings', async () => {
    const defaultClient = new S3Client({
      endpoint: server.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'any-local-key', secretAccessKey: 'any-local-secret' },
    });
    const small = Buffer.from('chunked body '.repeat(700));
    const large = Buffer.alloc(6 * 1024 * 1024 + 777, 0x5a);
    try {
      await defaultClient.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'chunked/put.txt',
          Body: Readable.from([small]),
          ContentLength: small.length,
        }),
      );
      await new Upload({
        client: defaultClient,
        params: {
          Bucket: BUCKET,
          Key: 'chunked/multipart.bin',
          Body: Readable.from([large.subarray(0, 3e6), large.subarray(3e6)]),
        },
      }).done();
      const head = await defaultClient.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'chunked/put.txt' }));

      expect(head.ContentLength).toBe(small.length);
      expect(head.ContentEncoding).toBeUndefined();
      expect(Buffer.from(await getBytes(s3, 'chunked/put.txt')).equals(small)).toBe(true);
      expect(sha256(await getBytes(s3, 'chunked/multipart.bin'))).toBe(sha256(large));
    } finally {
      defaultClient.destroy();
    }
  });

  it('answers HeadObject for a missing key with a 404 NotFound', async () => {
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'missing/nothing.png' }))).rejects.toMatchObject({
      name: 'NotFound',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('answers GetObject for a missing key with NoSuchKey', async () => {
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing/nothing.png' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });
});

describe('startS3Server lifecycle', () => {
  it('removes the temporary directory it created when stopped, and stop() is idempotent', async () => {
    const server = await startS3Server();
    expect(existsSync(server.directory)).toBe(true);

    await server.stop();
    await server.stop();

    expect(existsSync(server.directory)).toBe(false);
  });

  it('keeps a directory it was given, with the stored objects, and serves them again after a restart', async () => {
    const directory = await mkdtemp(join(tmpdir(), 's3-server-test-'));
    try {
      const first = await startS3Server({ directory });
      const firstClient = clientFor(first.endpoint);
      await firstClient.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await firstClient.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kept.txt', Body: 'still here' }));
      firstClient.destroy();
      await first.stop();

      expect(existsSync(directory)).toBe(true);
      const second = await startS3Server({ directory });
      const secondClient = clientFor(second.endpoint);
      const text = Buffer.from(await getBytes(secondClient, 'kept.txt')).toString('utf8');
      secondClient.destroy();
      await second.stop();

      expect(text).toBe('still here');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('refuses connections after stop()', async () => {
    const server = await startS3Server();
    const client = clientFor(server.endpoint);
    await server.stop();

    await expect(client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).rejects.toThrow();
    client.destroy();
  });

  it('shuts the server down when the process that started it dies', async () => {
    const modulePath = resolve(__dirname, '../../local-runtime/stand-ins/s3-server.ts');
    const script = `require(${JSON.stringify(modulePath)}).startS3Server().then((s) => console.log(s.endpoint)); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const endpoint = await new Promise<string>((resolveEndpoint, reject) => {
      parent.stdout.on('data', (chunk: Buffer) => resolveEndpoint(chunk.toString('utf8').trim()));
      parent.on('exit', (code) => reject(new Error(`parent exited early with ${code}`)));
    });
    const client = clientFor(endpoint);
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));

    parent.kill('SIGKILL');
    let refused = false;
    for (let attempt = 0; attempt < 50 && !refused; attempt += 1) {
      await new Promise((wait) => setTimeout(wait, 100));
      refused = await client.send(new ListObjectsV2Command({ Bucket: BUCKET })).then(
        () => false,
        () => true,
      );
    }
    client.destroy();

    expect(refused).toBe(true);
  });
});

describe('leftovers of earlier local runs', () => {
  it('removes the S3 folders of runs that no longer run, and keeps those of running ones and foreign folders', async () => {
    const root = await mkdtemp(join(tmpdir(), 'labeling-pipeline-leftovers-'));
    const ended = spawn(process.execPath, ['-e', '0']);
    const deadPid = await new Promise<number>((done) => ended.on('exit', () => done(ended.pid ?? 0)));
    const folder = async (name: string, ageDays = 0) => {
      const path = join(root, name);
      await mkdir(join(path, 'labeling-pipeline-local-data'), { recursive: true });
      await writeFile(join(path, 'labeling-pipeline-local-data', 'task-tokens.json'), '{}');
      const time = new Date(Date.now() - ageDays * 86_400_000);
      await utimes(path, time, time);
      return path;
    };
    const dead = await folder(`labeling-pipeline-s3-${deadPid}-AbC123`);
    const alive = await folder(`labeling-pipeline-s3-${process.pid}-XyZ789`);
    const oldUnowned = await folder('labeling-pipeline-s3-Qw1234', 3);
    const recentUnowned = await folder('labeling-pipeline-s3-Er5678');
    const foreign = await folder('someone-else-s3-1');

    try {
      const removed = await removeStaleS3Folders(root);

      expect(removed.sort()).toEqual([dead, oldUnowned].sort());
      for (const kept of [alive, recentUnowned, foreign]) expect(existsSync(kept)).toBe(true);
      expect(existsSync(dead)).toBe(false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('names its temporary folder after the process that owns it', async () => {
    const server = await startS3Server();
    try {
      expect(server.directory).toContain(`labeling-pipeline-s3-${process.pid}-`);
    } finally {
      await server.stop();
    }
  });
});
