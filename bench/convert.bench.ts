import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertManifestFile } from '../cli/commands/convert';
import { LabelRegistry } from '../functions/conversion/rules/label-registry';
import { type DatasetLine, formatDatasetLine, normalizeLine } from '../functions/conversion/rules/normalize-line';
import { parseOutputRecord } from '../functions/conversion/rules/output-manifest';
import { Assignment, hashSourceRef, planSplit, SplitIndex } from '../functions/conversion/rules/split';
import { generateOutputLines } from '../test/fixtures/gt-output-generator';
import { bundleForChildren, runChild } from './child-runs';

/**
 * `npm run bench convert`: converts generated Ground Truth output manifests of 100,000 and
 * 1,000,000 lines with the streaming converter (the CLI's `convertManifestFile`, the same code as
 * the PostProcess Lambda) and with a naive baseline that reads the whole file, parses every line
 * into memory, then splits and writes. Each run is its own child process running this file
 * bundled by esbuild (as the Lambda is packaged, without tsx's ~40 MB), so `maxRSS` is that run's
 * peak alone. The streaming converter runs twice: with a bounded heap (4 MB young generation,
 * 96 MB old space: its live heap stays under ~50 MB, and these are the NODE_OPTIONS suggested for
 * the PostProcess function) and with V8's defaults, which let the heap grow lazily. The naive
 * baseline needs V8's defaults. Goals: ≥ 50,000 lines/s, peak RSS < 150 MB at 1,000,000 lines.
 */

interface Measurement {
  ok: boolean;
  lines: number;
  ms: number;
  /** User + system CPU time: steadier than wall time when other work shares the machine. */
  cpuMs: number;
  rssMb: number;
  error?: string;
}

/**
 * 1,000,000 lines make a train set past Rekognition's 250,000-line limit, which convert refuses
 * before writing; the limits are lifted here so both passes run and their memory is measured.
 */
const OPTIONS = {
  testFraction: 0.2,
  minConfidence: 0.5,
  limits: {
    trainLines: Number.POSITIVE_INFINITY,
    testLines: Number.POSITIVE_INFINITY,
    manifestBytes: Number.POSITIVE_INFINITY,
  },
};

/** The baseline: whole file in one string, every parsed line in an array, outputs joined in memory. */
const naiveConvert = (input: string, out: string): number => {
  const text = readFileSync(input, 'utf8');
  const registry = new LabelRegistry();
  const kept: DatasetLine[] = [];
  let attribute = 'logo-boxes';
  const rows = text.split('\n').filter((l) => l.trim() !== '');
  for (const row of rows) {
    const outcome = parseOutputRecord({ text: row }, undefined);
    if (!outcome.ok) continue;
    attribute = outcome.line.attribute;
    const { line } = normalizeLine(outcome.line, registry, OPTIONS);
    if (line) kept.push(line);
  }
  const index = new SplitIndex();
  for (const line of kept)
    index.add(
      hashSourceRef(line.sourceRef),
      line.boxes.map((b) => b.labelId),
    );
  const plan = planSplit(index, OPTIONS);
  const pick = (set: Assignment) =>
    kept.filter((_, i) => plan.assignment[i] === set).map((l) => `${formatDatasetLine(l, attribute, registry)}\n`);
  writeFileSync(join(out, 'train.manifest'), pick(Assignment.TRAIN).join(''));
  writeFileSync(join(out, 'test.manifest'), pick(Assignment.TEST).join(''));
  return rows.length;
};

const child = async (impl: string, input: string): Promise<void> => {
  const out = mkdtempSync(join(tmpdir(), `bench-${impl}-`));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const cpuMs = () => {
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / 1000;
  };
  let result: Measurement;
  try {
    const lines =
      impl === 'naive' ? naiveConvert(input, out) : (await convertManifestFile(input, { out, ...OPTIONS })).lines;
    result = {
      ok: true,
      lines,
      ms: performance.now() - started,
      cpuMs: cpuMs(),
      rssMb: process.resourceUsage().maxRSS / 1024,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    result = {
      ok: false,
      lines: 0,
      ms: performance.now() - started,
      cpuMs: cpuMs(),
      rssMb: process.resourceUsage().maxRSS / 1024,
      error: message,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
};

const writeManifest = async (path: string, count: number): Promise<void> => {
  const file = createWriteStream(path);
  let buffer: string[] = [];
  for (const line of generateOutputLines({ count })) {
    buffer.push(line);
    if (buffer.length === 2000) {
      if (!file.write(`${buffer.join('\n')}\n`)) await once(file, 'drain');
      buffer = [];
    }
  }
  file.end(buffer.length > 0 ? `${buffer.join('\n')}\n` : '');
  await once(file, 'finish');
};

const BOUNDED_HEAP = ['--max-semi-space-size=4', '--max-old-space-size=96'];

const measure = (bundle: string, impl: string, input: string, flags: string[]): Measurement =>
  runChild<Measurement>(bundle, flags, [impl, input], (error) => ({
    ok: false,
    lines: 0,
    ms: 0,
    cpuMs: 0,
    rssMb: 0,
    error,
  }));

const row = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(22) : c.padStart(12))).join(' | ')} |`;

const main = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-convert-'));
  try {
    const bundle = await bundleForChildren(__filename, dir, 'convert-bench');
    const results: [string, number, Measurement][] = [];
    for (const count of [100_000, 1_000_000]) {
      const input = join(dir, `output-${count}.manifest`);
      await writeManifest(input, count);
      results.push(['streaming', count, measure(bundle, 'streaming', input, BOUNDED_HEAP)]);
      results.push(['streaming, V8 defaults', count, measure(bundle, 'streaming', input, [])]);
      results.push(['naive, V8 defaults', count, measure(bundle, 'naive', input, [])]);
      rmSync(input);
    }
    const get = (impl: string, count: number) => results.find(([i, c]) => i === impl && c === count)?.[2];
    const rate = (lines: number, ms: number) => Math.round((lines / ms) * 1000).toLocaleString('en');
    process.stdout.write(`${row(['run', 'lines', 'lines/s', 'lines/CPU-s', 'peak RSS MB'])}\n`);
    process.stdout.write(`${row(['---', '---', '---', '---', '---'])}\n`);
    for (const [impl, count, m] of results) {
      const cells = m.ok
        ? [rate(m.lines, m.ms), rate(m.lines, m.cpuMs), m.rssMb.toFixed(0)]
        : ['failed', '', (m.error ?? '').slice(0, 60)];
      process.stdout.write(`${row([impl, count.toLocaleString('en'), ...cells])}\n`);
    }
    const [small, large] = [get('streaming', 100_000), get('streaming', 1_000_000)];
    const naive = get('naive, V8 defaults', 100_000);
    const sameFlags = get('streaming, V8 defaults', 100_000);
    if (small?.ok && naive?.ok && sameFlags?.ok) {
      const ratio = (a: number, b: number) => (a / b).toFixed(2);
      process.stdout.write(
        `\nat 100,000 lines, streaming vs naive with the same V8 flags: ${ratio(sameFlags.lines / sameFlags.ms, naive.lines / naive.ms)}× the lines/s, ${ratio(sameFlags.rssMb, naive.rssMb)}× the peak RSS; with the bounded heap: ${ratio(small.rssMb, naive.rssMb)}× the peak RSS\n`,
      );
    }
    if (small?.ok && large?.ok) {
      process.stdout.write(`10× the input: streaming peak RSS ×${(large.rssMb / small.rssMb).toFixed(2)}\n`);
      const met = (large.lines / large.ms) * 1000 >= 50_000 && large.rssMb < 150;
      process.stdout.write(`goals (≥ 50,000 lines/s, < 150 MB at 1,000,000 lines): ${met ? 'met' : 'not met'}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const [flag, impl, input] = process.argv.slice(2);
if (flag === '--child' && impl !== undefined && input !== undefined) void child(impl, input);
else void main();
