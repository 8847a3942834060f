import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { convertManifestFile } from '../cli/commands/convert';
import { LabelRegistry } from '../functions/conversion/rules/label-registry';
import { type DatasetLine, formatDatasetLine, normalizeLine } from '../functions/conversion/rules/normalize-line';
import { parseOutputRecord } from '../functions/conversion/rules/output-manifest';
import { Assignment, hashSourceRef, planSplit, SplitIndex } from '../functions/conversion/rules/split';
import { generateDocsShapedLines } from '../test/fixtures/gt-output-generator';
import { bundleForChildren, runChild } from './child-runs';

/**
 * `npm run bench convert`: converts Ground Truth output manifests shaped like a real one (the AWS
 * documentation's line, compact, whole-pixel boxes; see `generateDocsShapedLines`) of 250,000
 * lines (the most one Rekognition manifest holds, so the largest real input) and 1,000,000 lines,
 * against a plain `JSON.parse`-per-line loop over the same file in the same run: the limit no
 * converter that reads every line can beat. Measured runs:
 *
 * - `JSON.parse loop`: streams the file, splits lines, parses each (the reference of the ratios).
 * - `Lambda code and flags, file to file`: `convertManifestFile` (the conversion code PostProcess
 *   runs) on an esbuild bundle, as the Lambda is packaged, with the postProcess function's
 *   NODE_OPTIONS from `functions/conversion/functions.yml`, reading and writing local files: the
 *   deployed function streams from and to S3 instead, which this bench does not measure.
 * - `labeling-pipeline convert`: the CLI itself (`node cli/bin.cjs convert`), as a user runs it.
 * - `naive`: reads the whole file, parses every line into memory, then splits and writes.
 *
 * Each run is its own child process, so its peak RSS is its own. The 250,000-line runs alternate
 * over 3 rounds (the median counts), so a busy spell on a shared machine hits every kind alike.
 * The goals are printed as held or not; the bench exits 0 either way.
 */

interface Measurement {
  ok: boolean;
  lines: number;
  ms: number;
  rssMb: number;
  error?: string;
}

const ROUNDS = 3;

/** The Lambda's conversion code and heap flags on local files (no S3). */
const LAMBDA = 'Lambda code and flags, file to file';

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

const ROOT = join(__dirname, '..');

/** The postProcess function's NODE_OPTIONS as deployed. */
const deployedNodeOptions = (): string[] => {
  const functions = parse(readFileSync(join(ROOT, 'functions/conversion/functions.yml'), 'utf8')) as {
    postProcess: { environment?: { NODE_OPTIONS?: string } };
  };
  return (functions.postProcess.environment?.NODE_OPTIONS ?? '').split(/\s+/).filter((f) => f !== '');
};

/** The reference: stream the file, cut lines, `JSON.parse` each. */
const jsonParseLoop = async (input: string): Promise<number> => {
  let lines = 0;
  let carry = '';
  for await (const chunk of createReadStream(input, { encoding: 'utf8', highWaterMark: 256 * 1024 })) {
    const text = carry + String(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (end > start) {
        JSON.parse(text.slice(start, end));
        lines += 1;
      }
      start = end + 1;
    }
    carry = text.slice(start);
  }
  if (carry.trim() !== '') {
    JSON.parse(carry);
    lines += 1;
  }
  return lines;
};

/** The baseline: whole file in one string, every parsed line in an array, outputs joined in memory. */
const naiveConvert = (input: string, out: string): number => {
  const text = readFileSync(input, 'utf8');
  const registry = new LabelRegistry();
  const kept: DatasetLine[] = [];
  let attribute = 'bounding-box';
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
  const done = (result: Omit<Measurement, 'ms' | 'rssMb'>): Measurement => ({
    ...result,
    ms: performance.now() - started,
    rssMb: process.resourceUsage().maxRSS / 1024,
  });
  let result: Measurement;
  try {
    const lines =
      impl === 'json'
        ? await jsonParseLoop(input)
        : impl === 'naive'
          ? naiveConvert(input, out)
          : (await convertManifestFile(input, { out, ...OPTIONS })).lines;
    result = done({ ok: true, lines });
  } catch (error) {
    result = done({ ok: false, lines: 0, error: error instanceof Error ? error.message : String(error) });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
};

const writeManifest = async (path: string, count: number): Promise<void> => {
  const file = createWriteStream(path);
  let buffer: string[] = [];
  for (const line of generateDocsShapedLines({ count })) {
    buffer.push(line);
    if (buffer.length === 2000) {
      if (!file.write(`${buffer.join('\n')}\n`)) await once(file, 'drain');
      buffer = [];
    }
  }
  file.end(buffer.length > 0 ? `${buffer.join('\n')}\n` : '');
  await once(file, 'finish');
};

const failed = (error: string): Measurement => ({ ok: false, lines: 0, ms: 0, rssMb: 0, error });

const measure = (bundle: string, impl: string, input: string, flags: string[]): Measurement =>
  runChild<Measurement>(bundle, flags, [impl, input], failed);

/**
 * `labeling-pipeline convert` as a user runs it: `cli/bin.cjs` (tsx included, with whatever
 * flags the CLI applies itself). A preloaded hook reports the process's peak RSS at exit.
 */
const measureCli = (dir: string, input: string): Measurement => {
  const hook = join(dir, 'report-rss.cjs');
  writeFileSync(
    hook,
    "process.on('exit', () => process.stderr.write('\\nbench-rss ' + process.resourceUsage().maxRSS / 1024 + '\\n'));\n",
  );
  const out = join(dir, 'cli-out');
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(ROOT, 'cli/bin.cjs'), 'convert', input, '--out', out], {
    encoding: 'utf8',
    maxBuffer: 1 << 22,
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${hook}`.trim() },
  });
  const ms = performance.now() - started;
  rmSync(out, { recursive: true, force: true });
  // The child may re-exec itself with heap flags: the last report is the converting process's.
  const rss = Math.max(...[...run.stderr.matchAll(/bench-rss ([\d.]+)/g)].map((m) => Number(m[1])), 0);
  const lines = Number(/^(\d+) lines read/m.exec(run.stdout)?.[1] ?? 0);
  if (run.status !== 0 || lines === 0) return failed((run.stderr.trim().split('\n').pop() ?? 'failed').slice(0, 80));
  return { ok: true, lines, ms, rssMb: rss };
};

const median = (runs: Measurement[]): Measurement => {
  const ok = runs.filter((m) => m.ok).sort((a, b) => a.lines / a.ms - b.lines / b.ms);
  const middle = ok[Math.floor(ok.length / 2)];
  if (middle === undefined) return runs[0] ?? failed('no run');
  return { ...middle, rssMb: Math.max(...ok.map((m) => m.rssMb)) };
};

const rate = (m: Measurement) => (m.lines / m.ms) * 1000;

const row = (cells: string[]) =>
  `| ${cells.map((c, i) => (i === 0 ? c.padEnd(34) : c.padStart(i === 4 ? 20 : 11))).join(' | ')} |`;

interface Result {
  name: string;
  lines: number;
  m: Measurement;
  all: Measurement[];
}

const printTable = (results: Result[]): void => {
  process.stdout.write(`${row(['run', 'lines', 'lines/s', '× JSON.parse', 'peak RSS MB (max)'])}\n`);
  process.stdout.write(`${row(['---', '---', '---', '---', '---'])}\n`);
  for (const { name, lines, m, all } of results) {
    const reference = results.find((r) => r.lines === lines && r.name === 'JSON.parse loop')?.m;
    const spread = all.length > 1 ? ` (${all.map((a) => (a.ok ? Math.round(rate(a) / 1000) : '-')).join('/')}k)` : '';
    const cells = m.ok
      ? [
          `${Math.round(rate(m)).toLocaleString('en')}`,
          reference?.ok ? (rate(m) / rate(reference)).toFixed(2) : '',
          `${m.rssMb.toFixed(0)}`,
        ]
      : ['failed', '', (m.error ?? '').slice(0, 40)];
    process.stdout.write(`${row([`${name}${spread}`, lines.toLocaleString('en'), ...cells])}\n`);
  }
};

const goal = (held: boolean, text: string) => process.stdout.write(`${held ? 'goal held' : 'goal NOT met'}: ${text}\n`);

const printGoals = (results: Result[]): void => {
  const get = (name: string, lines: number) => results.find((r) => r.name === name && r.lines === lines)?.m;
  const json = get('JSON.parse loop', 250_000);
  process.stdout.write('\n');
  for (const name of [LAMBDA, 'labeling-pipeline convert']) {
    const m = get(name, 250_000);
    const ratio = m?.ok && json?.ok ? rate(m) / rate(json) : 0;
    goal(ratio >= 0.5, `${name}, 250,000 lines: ≥ 0.5× the JSON.parse loop's lines/s (${ratio.toFixed(2)}×)`);
    goal(m?.ok === true && m.rssMb < 150, `${name}, 250,000 lines: peak RSS < 150 MB (${m?.rssMb.toFixed(0)} MB)`);
  }
  const [small, large] = [get(LAMBDA, 250_000), get(LAMBDA, 1_000_000)];
  const growth = small?.ok && large?.ok ? large.rssMb / small.rssMb : Number.POSITIVE_INFINITY;
  goal(
    growth < 1.25 && large?.ok === true && large.rssMb < 150,
    `${LAMBDA}: memory flat beyond 250,000 lines (1,000,000 lines: ${large?.rssMb.toFixed(0)} MB, ×${growth.toFixed(2)})`,
  );
};

const main = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-convert-'));
  try {
    const bundle = await bundleForChildren(__filename, dir, 'convert-bench');
    const deployed = deployedNodeOptions();
    process.stdout.write(
      `postProcess NODE_OPTIONS (functions.yml): ${deployed.join(' ') || '(none: V8 defaults)'}\n\n`,
    );
    const results: Result[] = [];
    const input = join(dir, 'output-250000.manifest');
    await writeManifest(input, 250_000);
    const rounds: Record<string, Measurement[]> = { json: [], deployed: [], cli: [] };
    for (let round = 0; round < ROUNDS; round += 1) {
      rounds.json?.push(measure(bundle, 'json', input, []));
      rounds.deployed?.push(measure(bundle, 'streaming', input, deployed));
      rounds.cli?.push(measureCli(dir, input));
    }
    const add = (name: string, lines: number, all: Measurement[]) => results.push({ name, lines, m: median(all), all });
    add('JSON.parse loop', 250_000, rounds.json ?? []);
    add(LAMBDA, 250_000, rounds.deployed ?? []);
    add('labeling-pipeline convert', 250_000, rounds.cli ?? []);
    add('naive, V8 defaults', 250_000, [measure(bundle, 'naive', input, [])]);
    rmSync(input);
    const large = join(dir, 'output-1000000.manifest');
    await writeManifest(large, 1_000_000);
    add('JSON.parse loop', 1_000_000, [measure(bundle, 'json', large, [])]);
    add(LAMBDA, 1_000_000, [measure(bundle, 'streaming', large, deployed)]);
    rmSync(large);
    printTable(results);
    printGoals(results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const [flag, impl, input] = process.argv.slice(2);
if (flag === '--child' && impl !== undefined && input !== undefined) void child(impl, input);
else void main();
