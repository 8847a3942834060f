import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJobOutput } from '../functions/labeling/builtin/aws/finalize-output';
import type { ImageItem } from '../functions/labeling/builtin/contracts/table-items';
import { outputLine, workerResponse } from '../functions/labeling/builtin/rules/job-output';
import { deployedFunctions } from '../local-runtime/stack/lambda-registry';
import { bundleForChildren, runChild } from './child-runs';

/**
 * `npm run bench finalize`: finalizes generated built-in jobs (every image answered by 3
 * labelers, 1-4 boxes each with a few pixels of noise) into output.manifest lines and worker
 * responses, as finalizeBuiltinJob does, with the table pages and S3 writes replaced by
 * in-memory ones (the sinks count bytes and drop them). The streaming run is the Lambda's code
 * (`writeJobOutput`: one page of 500 images and 32 pending writes at a time); the baseline loads
 * every image first and builds the whole output in memory. Each run is its own child process
 * (this file bundled by esbuild, as the Lambda is packaged), so peak RSS is that run's alone.
 * Goal: 100,000 images x 3 answers in bounded memory, under a third of the Lambda's 900 s, judged
 * with the V8 flags finalizeBuiltinJob deploys (its NODE_OPTIONS in functions.yml; none today).
 */

interface Measurement {
  ok: boolean;
  images: number;
  ms: number;
  rssMb: number;
  bytes: number;
  error?: string;
}

const CTX = {
  jobName: 'bench-job',
  labelAttributeName: 'bounding-box',
  labels: ['acme', 'globex', 'initech'],
  issuer: 'https://issuer/pool',
};
const PAGE = 500;

/** A deterministic pseudo-random stream (mulberry32), so every run labels the same images. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const imageItem = (index: number, next: () => number): ImageItem => {
  const objects = 1 + Math.floor(next() * 4);
  const truth = Array.from({ length: objects }, () => ({
    label: CTX.labels[Math.floor(next() * 3)] as string,
    left: Math.floor(next() * 800),
    top: Math.floor(next() * 500),
    width: 40 + Math.floor(next() * 150),
    height: 40 + Math.floor(next() * 150),
  }));
  const taskId = String(index).padStart(6, '0');
  const answers = Object.fromEntries(
    ['labeler-a', 'labeler-b', 'labeler-c'].map((sub, w) => [
      sub,
      {
        boxes: truth.map((b) => ({ ...b, left: b.left + Math.floor(next() * 6), top: b.top + Math.floor(next() * 6) })),
        nothingToLabel: false,
        durationMs: 3000 + Math.floor(next() * 9000),
        claimedAt: `2026-12-01T10:0${w}:00.000Z`,
        submittedAt: `2026-12-01T10:0${w}:09.000Z`,
      },
    ]),
  );
  return {
    pk: 'JOB#bench-job',
    sk: `IMG#${taskId}`,
    taskId,
    sourceRef: `s3://bench-bucket/incoming/bench/img-${index}.jpg`,
    width: 1024,
    height: 768,
    answerCount: 3,
    answers,
    leases: {},
    answeredBy: Object.keys(answers),
    version: 4,
  };
};

async function* pages(count: number): AsyncGenerator<ImageItem[]> {
  const next = random(42);
  for (let start = 0; start < count; start += PAGE) {
    yield Array.from({ length: Math.min(PAGE, count - start) }, (_, i) => imageItem(start + i, next));
    // A table page arrives later than the previous one: let pending writes run, as they would.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const streaming = async (count: number): Promise<number> => {
  let bytes = 0;
  await writeJobOutput(
    {
      pages: pages(count),
      writeLine: async (line) => {
        bytes += line.length;
      },
      putWorkerResponse: async (_index, document) => {
        bytes += JSON.stringify(document).length;
        await new Promise((resolve) => setImmediate(resolve));
      },
      concurrency: 32,
    },
    CTX,
    new Date('2026-12-01T12:00:00Z'),
  );
  return bytes;
};

/** The baseline: every image item in memory, then the whole manifest and every response built before writing. */
const naive = async (count: number): Promise<number> => {
  const all: ImageItem[] = [];
  for await (const page of pages(count)) all.push(...page);
  const at = new Date('2026-12-01T12:00:00Z');
  const views = all.map((item) => ({
    index: Number(item.taskId),
    sourceRef: item.sourceRef,
    width: item.width,
    height: item.height,
    answers: Object.entries(item.answers).map(([sub, a]) => ({ sub, ...a })),
  }));
  const manifest = views.map((v) => outputLine(v, CTX, at).line).join('\n');
  const responses = views.map((v) => JSON.stringify(workerResponse(v, CTX)));
  return manifest.length + responses.reduce((n, r) => n + r.length, 0);
};

const child = async (impl: string, count: number): Promise<void> => {
  const started = performance.now();
  let result: Measurement;
  try {
    const bytes = impl === 'naive' ? await naive(count) : await streaming(count);
    result = {
      ok: true,
      images: count,
      ms: performance.now() - started,
      rssMb: process.resourceUsage().maxRSS / 1024,
      bytes,
    };
  } catch (error) {
    result = {
      ok: false,
      images: 0,
      ms: performance.now() - started,
      rssMb: process.resourceUsage().maxRSS / 1024,
      bytes: 0,
      error: error instanceof Error ? error.message : String(error),
    };
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
};

/** A heap bounded below V8's default: not deployed, shown for what streaming alone would hold to. */
const BOUNDED_HEAP = ['--max-semi-space-size=4', '--max-old-space-size=128'];

/** finalizeBuiltinJob's NODE_OPTIONS as deployed, read from its functions.yml wherever serverless.yml includes it. */
const deployedFlags = (): string[] => {
  const fn = deployedFunctions().finalizeBuiltinJob as { environment?: { NODE_OPTIONS?: string } } | undefined;
  if (fn === undefined) throw new Error('serverless.yml deploys no finalizeBuiltinJob');
  return (fn.environment?.NODE_OPTIONS ?? '').split(/\s+/).filter((flag) => flag !== '');
};

const measure = (bundle: string, impl: string, count: number, flags: string[]): Measurement =>
  runChild<Measurement>(
    bundle,
    flags,
    [impl, String(count)],
    (error) => ({ ok: false, images: 0, ms: 0, rssMb: 0, bytes: 0, error }),
    60,
  );

const DEPLOYED = 'streaming, as deployed';
const BOUNDED = 'streaming, 128 MB heap (not deployed)';

const row = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(38) : c.padStart(12))).join(' | ')} |`;

const main = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-finalize-'));
  try {
    const bundle = await bundleForChildren(__filename, dir, 'finalize-bench');
    const deployed = deployedFlags();
    process.stdout.write(
      `finalizeBuiltinJob NODE_OPTIONS (functions.yml): ${deployed.join(' ') || '(none: V8 defaults)'}\n\n`,
    );
    const results: [string, number, Measurement][] = [];
    for (const count of [10_000, 100_000]) {
      results.push([DEPLOYED, count, measure(bundle, 'streaming', count, deployed)]);
      results.push([BOUNDED, count, measure(bundle, 'streaming', count, BOUNDED_HEAP)]);
      results.push(['naive, V8 defaults', count, measure(bundle, 'naive', count, [])]);
    }
    process.stdout.write(
      `${row(['run', 'images', 'images/s', 'output MB', 'peak RSS MB'])}\n${row(['---', '---', '---', '---', '---'])}\n`,
    );
    for (const [impl, count, m] of results) {
      const cells = m.ok
        ? [Math.round((m.images / m.ms) * 1000).toLocaleString('en'), (m.bytes / 1e6).toFixed(0), m.rssMb.toFixed(0)]
        : ['failed', '', (m.error ?? '').slice(0, 40)];
      process.stdout.write(`${row([impl, count.toLocaleString('en'), ...cells])}\n`);
    }
    const get = (impl: string, count: number) => results.find(([i, c]) => i === impl && c === count)?.[2];
    const [small, large, naiveLarge, bounded] = [
      get(DEPLOYED, 10_000),
      get(DEPLOYED, 100_000),
      get('naive, V8 defaults', 100_000),
      get(BOUNDED, 100_000),
    ];
    if (large?.ok && naiveLarge?.ok && bounded?.ok) {
      process.stdout.write(
        `\nat 100,000 images x 3 answers, streaming as deployed vs naive: ${(large.ms / naiveLarge.ms).toFixed(2)}× the time, ${(large.rssMb / naiveLarge.rssMb).toFixed(2)}× the peak RSS; with the bounded heap: ${(bounded.rssMb / naiveLarge.rssMb).toFixed(2)}× the peak RSS\n`,
      );
    }
    if (small?.ok && large?.ok) {
      process.stdout.write(`10× the images: streaming peak RSS ×${(large.rssMb / small.rssMb).toFixed(2)}\n`);
      const met = large.ms < 300_000 && large.rssMb < 256;
      process.stdout.write(
        `goal (100,000 x 3 under 300 s and 256 MB with the deployed flags, consolidation and serialization only): ${met ? 'met' : 'not met'}\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const [flag, impl, count] = process.argv.slice(2);
if (flag === '--child' && impl !== undefined && count !== undefined) void child(impl, Number(count));
else void main();
