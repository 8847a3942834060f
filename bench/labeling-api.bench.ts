import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm run bench labeling-api`: the built-in backend's API under concurrent labelers. A local
 * run (real handlers, dynalite, the Cognito stand-in, the portal server on loopback) labels a
 * generated sample of 300 images with 1 worker per image, once with a single simulated labeler
 * (the baseline) and once with 20 at once; it reports the API requests (claims + answers + skips)
 * per second of labeling work and the claim latency (median, p95). Everything shares one Node
 * process, as `npm start` does: requests queue behind each other, so latency grows with the
 * labelers and throughput cannot; what this measures is what contention (racing claims, version
 * conflicts, leases) costs, not Lambda's scaling. Goal: 20 labelers keep at least 75% of one
 * labeler's requests/s, and both runs answer every image.
 */

const IMAGES = 300;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? Number.NaN;

const main = async () => {
  const { runLocalPipeline, startLocalEnvironment } = await import('../local-runtime/run/run-local');
  const environment = await startLocalEnvironment({ logLevel: 'SILENT', waitMs: 50 });
  const out = mkdtempSync(join(tmpdir(), 'labeling-api-bench-'));
  const rows: { labelers: number; requests: number; perSecond: number; median: number; p95: number; ok: boolean }[] =
    [];
  try {
    for (const labelers of [1, 20]) {
      const result = await runLocalPipeline({
        environment,
        batchName: `bench-${labelers}`,
        out: join(out, String(labelers)),
        sampleSize: IMAGES,
        workers: 1,
        labelers,
        skipRate: 0,
        timeoutMs: 900_000,
      });
      const crew = result.labeling;
      if (!crew) throw new Error(`run with ${labelers} labelers: no labeling figures (${result.status})`);
      const requests = crew.claims + crew.answers + crew.skips + crew.duplicates;
      const sorted = [...crew.claimLatenciesMs].sort((a, b) => a - b);
      rows.push({
        labelers,
        requests,
        perSecond: requests / (crew.workMs / 1000),
        median: percentile(sorted, 0.5),
        p95: percentile(sorted, 0.95),
        ok: result.status === 'SUCCEEDED' && crew.answers === IMAGES,
      });
    }
  } finally {
    await environment.stop();
    rmSync(out, { recursive: true, force: true });
  }
  const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  process.stdout.write(
    `${row(['labelers', 'requests', 'claims+answers/s', 'claim median ms', 'claim p95 ms', 'run'])}\n`,
  );
  process.stdout.write(`${row(['---', '---', '---', '---', '---', '---'])}\n`);
  for (const r of rows) {
    process.stdout.write(
      `${row([r.labelers, r.requests, r.perSecond.toFixed(0), r.median.toFixed(1), r.p95.toFixed(1), r.ok ? 'ok' : 'FAILED'])}\n`,
    );
  }
  const [base, many] = rows;
  if (base && many) {
    process.stdout.write(
      `\n20 labelers vs 1: ${(many.perSecond / base.perSecond).toFixed(2)}× the requests/s, ${(many.median / base.median).toFixed(2)}× the median claim latency, ${(many.p95 / base.p95).toFixed(2)}× the p95\n`,
    );
    const met = many.perSecond >= 0.75 * base.perSecond && base.ok && many.ok;
    process.stdout.write(
      `goals (20 labelers ≥ 75% of one labeler's requests/s, every image answered): ${met ? 'met' : 'not met'}\n`,
    );
  }
  if (rows.some((r) => !r.ok)) process.exitCode = 1;
};

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
