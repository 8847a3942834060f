import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { applyLocalSettings } from '../local-runtime/stack/local-environment';
import { LOCAL_S3_CREDENTIALS, startS3Server } from '../local-runtime/stand-ins/s3-server';
import { jpegImage } from '../test/fixtures/images';

/**
 * Validation at scale: a 20,000-object batch through the real ValidateImages Distributed Map of
 * the ASL file, as the local runtime runs it (ItemReader listing, 250-key child batches through
 * the real child Lambda, ResultWriter files), then the real SummarizeValidation reduce step. Prints
 * the time per child, the reduce step's peak memory, and the projection for a 250,000-image batch
 * on AWS with the figures it rests on.
 */

const OBJECTS = Number(process.env.BENCH_MAP_OBJECTS ?? 20_000);
const BUCKET = 'labeling-pipeline-bench';
const PREFIX = 'incoming/scale/';
const RUN = { runId: 'scale-bench', bucket: BUCKET, prefix: PREFIX, runPrefix: 'runs/scale-bench/' };

/** A JPEG COM segment after SOI: distinct bytes (so ETags) per object, same pixels. */
const withComment = (jpeg: Buffer, text: string): Buffer => {
  const data = Buffer.from(text, 'latin1');
  const head = Buffer.from([0xff, 0xfe, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), head, data, jpeg.subarray(2)]);
};

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

/** Samples the process's memory every 10 ms while `work` runs; returns its peak heap and RSS. */
const peakMemory = async <T>(work: () => Promise<T>): Promise<{ result: T; heapMB: number; rssMB: number }> => {
  global.gc?.();
  let heap = process.memoryUsage().heapUsed;
  let rss = process.memoryUsage().rss;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    heap = Math.max(heap, now.heapUsed);
    rss = Math.max(rss, now.rss);
  }, 10);
  try {
    const result = await work();
    return { result, heapMB: heap / 2 ** 20, rssMB: rss / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
};

const upload = async (
  s3: S3Client,
  mapConcurrent: typeof import('../functions/validation/rules/batch-inspection').mapConcurrent,
) => {
  const base = jpegImage(256, 192);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}batch.json`, Body: '{}' }));
  const start = performance.now();
  await mapConcurrent([...Array(OBJECTS).keys()], 32, async (i) => {
    const Key = `${PREFIX}img-${String(i).padStart(6, '0')}.jpg`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: withComment(base, `image ${i}`) }));
  });
  return { seconds: (performance.now() - start) / 1000, bytes: base.length + 12 };
};

/**
 * 250,000 images on AWS, from the figures the benches measured: 2.05 GETs per image (this bench's
 * validation bench), one child Lambda validating 137–282 images/s (the 355–732 s per 100,000 of a
 * loaded day, issue 19), plus an assumed 0.2–0.5 s per child for Step Functions to start it and
 * Lambda to invoke it (not measured here).
 */
const printProjection = (concurrency: number, itemsPerBatch: number): void => {
  const images = 250_000;
  const children = Math.ceil((images + 1) / itemsPerBatch);
  const rounds = Math.ceil(children / concurrency);
  const child = [itemsPerBatch / 282 + 0.2, itemsPerBatch / 137 + 0.5];
  const gets = Math.round(images * 2.05);
  const lists = 2 * Math.ceil((images + 1) / 1000);
  const transitions = children * 2 + 20;
  const lines = [
    `\nprojection for ${images.toLocaleString('en-US')} images on AWS at MaxConcurrency ${concurrency}:`,
    `  ${children} children of ${itemsPerBatch} keys, ${rounds} rounds; a child takes ${child[0]?.toFixed(1)}–${child[1]?.toFixed(1)} s`,
    `  map: ${((rounds * (child[0] ?? 0)) / 60).toFixed(1)}–${((rounds * (child[1] ?? 0)) / 60).toFixed(1)} min; the reduce step adds the figure measured above, scaled`,
    `  requests: ${gets.toLocaleString('en-US')} GETs, ${lists} LISTs (PlanValidation and the ItemReader), a few PUTs (ResultWriter, validation.json)`,
    `  state transitions: ~${transitions.toLocaleString('en-US')} (each child's start and its one Task, plus the parent's)`,
    '  figures: 2.05 GETs/image (bench/validate-images), 137–282 images/s per Lambda (issue 19, loaded day),',
    '  0.2–0.5 s child start and invoke overhead (assumed, not measured)',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
};

async function main(): Promise<void> {
  const server = await startS3Server();
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
    // One process, one socket pool: children one at a time, so each child's time is its own.
    VALIDATION_MAP_CONCURRENCY: '1',
  });
  applyLocalSettings();
  try {
    const { s3 } = await import('../functions/kernel/aws/s3-client');
    const { mapConcurrent } = await import('../functions/validation/rules/batch-inspection');
    const { invokeHandler } = await import('../local-runtime/stack/step-functions-runtime');
    const { loadStateMachine } = await import('../local-runtime/stack/asl-loader');
    const { runDistributedMap } = await import('../local-runtime/stack/distributed-map');

    const uploaded = await upload(s3, mapConcurrent);
    process.stdout.write(
      `${OBJECTS.toLocaleString('en-US')} JPEGs of ${uploaded.bytes} bytes uploaded in ${uploaded.seconds.toFixed(1)} s\n`,
    );

    const plan = (await invokeHandler('planValidation', { run: RUN })) as { itemsPerBatch: number; batches: number };
    const machine = loadStateMachine();
    const mapState = machine.definition.States as Record<string, Record<string, never>>;
    const childSeconds: number[] = [];
    const taskHandlers = {
      ValidateImageBatch: async (input: unknown) => {
        const start = performance.now();
        const out = await invokeHandler('validateImageBatch', input);
        childSeconds.push((performance.now() - start) / 1000);
        return out as never;
      },
    };
    const input = { run: RUN, validationPlan: plan };
    const mapStart = performance.now();
    const mapOutput = await runDistributedMap(mapState.ValidateImages as never, input as never, {
      stateName: 'ValidateImages',
      stateMachineName: 'labeling-pipeline-bench',
      s3: () => s3 as S3Client,
      taskHandlers,
      retryIntervalMs: 0,
      signal: new AbortController().signal,
    });
    const mapSeconds = (performance.now() - mapStart) / 1000;

    const reduceStart = performance.now();
    const reduce = await peakMemory(() =>
      invokeHandler('summarizeValidation', { run: RUN, validationPlan: plan, validationMap: mapOutput }),
    );
    const reduceSeconds = (performance.now() - reduceStart) / 1000;
    const summary = reduce.result as { total: number; accepted: number; batches: number };

    process.stdout.write(
      `${[
        `map: ${childSeconds.length} children (plan said ${plan.batches}) in ${mapSeconds.toFixed(1)} s, one at a time`,
        `  per child (${plan.itemsPerBatch} keys): median ${quantile(childSeconds, 0.5).toFixed(2)} s, p95 ${quantile(childSeconds, 0.95).toFixed(2)} s, max ${Math.max(...childSeconds).toFixed(2)} s`,
        `reduce: ${summary.total.toLocaleString('en-US')} objects (${summary.accepted.toLocaleString('en-US')} accepted) in ${reduceSeconds.toFixed(1)} s; ` +
          `peak heap ${reduce.heapMB.toFixed(0)} MB, peak RSS ${reduce.rssMB.toFixed(0)} MB (whole process)`,
      ].join('\n')}\n`,
    );
    printProjection(10, plan.itemsPerBatch);
    if (summary.total !== OBJECTS || summary.accepted !== OBJECTS) {
      throw new Error(`expected ${OBJECTS} objects accepted, got ${summary.accepted} of ${summary.total}`);
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
