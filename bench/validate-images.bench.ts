import { crc32 } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { applyLocalSettings } from '../local-runtime/stack/local-environment';
import { LOCAL_S3_CREDENTIALS, startS3Server } from '../local-runtime/stand-ins/s3-server';
import { jpegImage, pngImage } from '../test/fixtures/images';

/**
 * Validation throughput on a real S3-protocol server (s3rver on loopback): our validator (the real
 * ValidateImages step: listing, a ranged header read and a ranged read of the last bytes of each
 * image, validation.json) against a baseline that downloads every object whole and checks it with
 * the same rules (header and end marker), in the same run.
 */

const IMAGES = 2_000;
const BUCKET = 'labeling-pipeline-bench';
const PREFIX = 'incoming/bench/';
const JOB_LIMIT = 100_000;
const LAMBDA_TIMEOUT_S = 900;
const ROUNDS = 3;

/** A JPEG COM segment: varies the bytes (and so the ETag) without touching the image. */
const comment = (text: string): Buffer => {
  const data = Buffer.from(text, 'latin1');
  const head = Buffer.from([0xff, 0xfe, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
};

/** A PNG tEXt chunk, placed after IHDR: varies the bytes the same way. */
const textChunk = (text: string): Buffer => {
  const data = Buffer.from(`Comment\0${text}`, 'latin1');
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write('tEXt', 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
};

/**
 * Four kinds of image, 1.1 to 3 MB (mean about 2 MB, like phone photos): JPEGs with 20 KB of EXIF
 * (one in ten with a 100 KB block, which takes a second ranged read) and PNGs with bulky metadata.
 * Each copy gets its own comment, so no two objects share an ETag.
 */
const imageKinds = () => ({
  kinds: [
    jpegImage(800, 700, { noise: true, exifBytes: 20_000 }),
    jpegImage(1280, 960, { noise: true, exifBytes: 20_000 }),
    pngImage(2048, 1536, { padBytes: 1_500_000 }),
    pngImage(3000, 2000, { padBytes: 3_000_000 }),
  ],
  bigExif: jpegImage(800, 700, { noise: true, exifBytes: 100_000 }),
});

const batchImage = (i: number, { kinds, bigExif }: ReturnType<typeof imageKinds>): [string, Buffer] => {
  const name = `${PREFIX}img-${String(i).padStart(5, '0')}`;
  const base = i % 20 === 0 ? bigExif : (kinds[i % 4] as Buffer);
  return base[0] === 0x89
    ? [`${name}.png`, Buffer.concat([base.subarray(0, 33), textChunk(`${i}`), base.subarray(33)])]
    : [`${name}.jpg`, Buffer.concat([base.subarray(0, 2), comment(`image ${i}`), base.subarray(2)])];
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

interface Measure {
  name: string;
  seconds: number;
  accepted: number;
  perImage: Map<string, number>;
  gets: number;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

const printTable = (runs: Measure[], imageBytes: number): void => {
  const rows = runs.map((m) => {
    const bytes = [...m.perImage.values()];
    const total = bytes.reduce((a, b) => a + b, 0);
    return [
      m.name,
      (IMAGES / m.seconds).toFixed(0),
      m.seconds.toFixed(2),
      kib(median(bytes)),
      kib(total / IMAGES),
      kib(Math.max(...bytes)),
      (m.gets / IMAGES).toFixed(2),
      String(m.accepted),
    ];
  });
  const header = [
    '',
    'images/s',
    'seconds',
    'read/img median',
    'read/img mean',
    'read/img max',
    'GETs/img',
    'accepted',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  process.stdout.write(`${IMAGES} images, mean size ${(imageBytes / IMAGES / 1e6).toFixed(2)} MB\n\n`);
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
};

/** The ratios against the baseline, and what the measured rate means for one labeling job's batch. */
const printRatios = (mine: Measure, base: Measure, concurrency: number): void => {
  const rate = IMAGES / mine.seconds;
  const bytesRead = (m: Measure) => [...m.perImage.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(
    `\nbytes read ours/baseline: 1/${(bytesRead(base) / bytesRead(mine)).toFixed(0)}; ` +
      `throughput ratio ours/baseline: ${(base.seconds / mine.seconds).toFixed(1)}x (goal >= 5x); ` +
      `concurrency ${concurrency} for both\n` +
      `estimate for ${JOB_LIMIT.toLocaleString('en-US')} images at the measured rate: ${(JOB_LIMIT / rate).toFixed(0)} s ` +
      `in one invocation (Lambda timeout ${LAMBDA_TIMEOUT_S} s)\n`,
  );
};

async function main(): Promise<void> {
  const server = await startS3Server();
  // The Lambda code builds its clients from the environment at import time: set it first.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: server.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    DATA_BUCKET: BUCKET,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  applyLocalSettings();
  try {
    const { s3 } = await import('../functions/kernel/aws/s3-client');
    const { validateImageBatch } = await import('../functions/validation/validate-image-batch/handler');
    const { config } = await import('../functions/kernel/config');
    const { mapConcurrent } = await import('../functions/validation/rules/batch-inspection');
    const { parseImageHeader } = await import('../functions/validation/rules/image-header');
    const { checkImageEnd } = await import('../functions/validation/rules/image-end');
    const { inspectImage } = await import('../functions/validation/rules/image-rules');
    const { listObjects } = await import('../functions/kernel/aws/s3-objects');

    const kinds = imageKinds();
    let imageBytes = 0;
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const uploadStart = performance.now();
    await mapConcurrent([...Array(IMAGES).keys()], 16, async (i) => {
      const [Key, Body] = batchImage(i, kinds);
      imageBytes += Body.length;
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }));
    });
    process.stdout.write(`uploaded in ${((performance.now() - uploadStart) / 1000).toFixed(1)} s\n`);

    // Counts the body bytes of every GetObject, per key, for whichever reader runs.
    let perImage = new Map<string, number>();
    let gets = 0;
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'GetObjectCommand') {
          const { Key } = args.input as { Key: string };
          const length = (out.output as { ContentLength?: number }).ContentLength ?? 0;
          perImage.set(Key, (perImage.get(Key) ?? 0) + length);
          gets += 1;
        }
        return out;
      },
      { step: 'initialize', name: 'benchByteCounter' },
    );
    const measure = async (name: string, work: () => Promise<number>): Promise<Measure> => {
      perImage = new Map();
      gets = 0;
      const start = performance.now();
      const accepted = await work();
      return { name, seconds: (performance.now() - start) / 1000, accepted, perImage, gets };
    };

    // One Lambda's share of the work: the whole batch as one child of the validation map.
    const ours = async () => {
      const Items: Array<{ Key: string; Size: number; Etag?: string }> = [];
      for await (const o of listObjects(BUCKET, PREFIX)) Items.push({ Key: o.key, Size: o.size, Etag: o.etag });
      const inspected = await validateImageBatch({
        Items,
        BatchInput: { bucket: BUCKET, prefix: PREFIX, exampleKeys: [] },
      });
      return inspected.filter((o) => o.inspection.reasons.length === 0).length;
    };
    const baseline = async () => {
      const listed: Array<{ key: string; size: number }> = [];
      for await (const o of listObjects(BUCKET, PREFIX)) listed.push(o);
      const verdicts = await mapConcurrent(listed, config.VALIDATION_CONCURRENCY, async ({ key, size }) => {
        const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
        const header = parseImageHeader(bytes, true);
        if (header.status === 'need') return inspectImage(size, { status: 'corrupt', problem: 'short' });
        const end = header.status === 'ok' ? checkImageEnd(header.format, bytes.subarray(-4096)) : undefined;
        return inspectImage(size, header, end);
      });
      return verdicts.filter((v) => v.reasons.length === 0).length;
    };

    // Alternating rounds, best of each: other processes on the machine only ever slow a round down.
    await measure('warm-up', ours);
    const rounds: Measure[][] = [[], []];
    for (let round = 0; round < ROUNDS; round += 1) {
      rounds[0]?.push(await measure('ranged header and tail reads (ours)', ours));
      rounds[1]?.push(await measure('whole-object GET (baseline)', baseline));
    }
    const [mine, base] = rounds.map((r) => r.reduce((a, b) => (b.seconds < a.seconds ? b : a))) as [Measure, Measure];
    const times = rounds.map((r) => r.map((m) => m.seconds.toFixed(2)).join(' / '));
    process.stdout.write(`round times (s): ours ${times[0]}; baseline ${times[1]}; best of ${ROUNDS} below\n`);
    printTable([mine, base], imageBytes);

    printRatios(mine, base, config.VALIDATION_CONCURRENCY);
    if (mine.accepted !== IMAGES || base.accepted !== IMAGES) {
      throw new Error(`expected all ${IMAGES} images accepted, got ${mine.accepted} and ${base.accepted}`);
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
