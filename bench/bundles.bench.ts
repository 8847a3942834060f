import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { deployedFunctions } from '../local-runtime/stack/lambda-registry';
import { LOCAL_SETTINGS } from '../local-runtime/stack/local-environment';
import { bundleClientsAlone, bundleFunction, type FunctionBundle } from '../scripts/function-bundles';
import { benchLabeler } from './bench-labelers';

/**
 * `npm run bench bundles`: every function bundled as `npm run package` bundles it. For each:
 * its size, its cold import (a fresh Node process requiring the bundle, median of IMPORT_ROUNDS), and
 * the cold import of a bundle that builds its own SDK clients and nothing else, the floor it can
 * reach; the two run back to back in each round and the ratio is the median of those pairs,
 * so a busy machine slows both alike. Then what
 * `--enable-source-maps` would add to a cold start against mapping a failing invocation's stack
 * once (kernel/stack-traces.ts), and the labeling API's handlers' cold (import + first request)
 * and warm latency against the local DynamoDB stand-in. Goals: no bundle over 1 MB; a function
 * that calls only S3 imports within 1.3x of the S3 client alone; none over 2x of its own clients.
 */

const execFileAsync = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** More rounds for the import table: one cold import is tens of ms, and this machine's jitter is of that order. */
const IMPORT_ROUNDS = ROUNDS * 2 - 1;
const WARM_REQUESTS = 30;

/** Settings every handler may read at load, with dummy values; nothing here reaches AWS. */
const DUMMY_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  ...LOCAL_SETTINGS,
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  PORTAL_URL: 'https://labeling.example.com',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const IMPORT_SCRIPT =
  'const t=process.hrtime.bigint();require(process.argv[1]);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))';

const coldImportMs = (file: string, flags: string[] = [], env: NodeJS.ProcessEnv = DUMMY_ENV): number =>
  Number(execFileSync(process.execPath, [...flags, '-e', IMPORT_SCRIPT, file], { env, encoding: 'utf8' }));

interface ImportRow {
  bundle: FunctionBundle;
  importMs: number;
  clientsMs: number | undefined;
  /** Median over rounds of the function's import time over its clients' import time right after it. */
  ratio: number | undefined;
}

const measureImports = async (bundles: FunctionBundle[], dir: string): Promise<ImportRow[]> => {
  const floors = new Map<string, string>();
  for (const { sdkClients } of bundles) {
    const key = sdkClients.join('+');
    if (sdkClients.length > 0 && !floors.has(key)) floors.set(key, await bundleClientsAlone(sdkClients, dir));
  }
  const own = new Map<string, number[]>();
  const alone = new Map<string, number[]>();
  const ratios = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, fn: string, value: number) => map.set(fn, [...(map.get(fn) ?? []), value]);
  for (let round = 0; round < IMPORT_ROUNDS; round++) {
    for (const bundle of bundles) {
      const floor = floors.get(bundle.sdkClients.join('+'));
      const ms = coldImportMs(bundle.file);
      add(own, bundle.fn, ms);
      if (floor === undefined) continue;
      const floorMs = coldImportMs(floor);
      add(alone, bundle.fn, floorMs);
      // Each pair ran back to back: their ratio drifts less with the machine's load than a ratio of medians.
      add(ratios, bundle.fn, ms / floorMs);
    }
  }
  return bundles.map((bundle) => {
    const clients = alone.get(bundle.fn);
    const paired = ratios.get(bundle.fn);
    return {
      bundle,
      importMs: median(own.get(bundle.fn) ?? []),
      clientsMs: clients && median(clients),
      ratio: paired && median(paired),
    };
  });
};

/**
 * `--enable-source-maps` at every cold start, against mapping one failing invocation's stack:
 * kernel/stack-traces.ts bundled on its own, run in a fresh process (as a container meets its
 * first failure) on a stack whose frames point into the bundle, with the map copied per round
 * so each round reads and decodes it anew.
 */
const measureSourceMaps = async (bundle: FunctionBundle, dir: string) => {
  const plain: number[] = [];
  const flagged: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    plain.push(coldImportMs(bundle.file));
    flagged.push(coldImportMs(bundle.file, ['--enable-source-maps']));
  }
  const mapper = join(dir, 'stack-traces.js');
  await build({
    entryPoints: [join(__dirname, '..', 'functions', 'kernel', 'stack-traces.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: mapper,
    logLevel: 'silent',
  });
  const length = readFileSync(bundle.file, 'utf8').length;
  const script = `const { mapStackTrace } = require(process.argv[1]); const file = process.argv[2];
const columns = [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => Math.floor(${length} * f));
const stack = ['Error: failed', ...columns.map((c, i) => '    at f' + i + ' (' + file + ':1:' + c + ')')].join('\\n');
const t = process.hrtime.bigint(); const mapped = mapStackTrace(stack);
if (mapped === stack) throw new Error('nothing was mapped');
process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  const mapping: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const copy = join(dir, `map-round-${round}.js`);
    copyFileSync(`${bundle.file}.map`, `${copy}.map`);
    mapping.push(
      Number(execFileSync(process.execPath, ['-e', script, mapper, copy], { env: DUMMY_ENV, encoding: 'utf8' })),
    );
  }
  return { plain: median(plain), withFlag: median(flagged), firstError: median(mapping) };
};

interface LatencyRow {
  fn: string;
  request: string;
  importMs: number;
  firstMs: number;
  warmMs: number;
  status: number;
  /** Every timed request of every run answered 2xx. */
  all2xx: boolean;
  /** For claims and answers: how many timed requests did the real work (a lease, a first answer), of how many. */
  real?: { done: number; of: number; what: string };
}

/** Fresh processes per route; each times one cold request and WARM_REQUESTS warm ones. */
const API_RUNS = 3;
const PER_RUN = WARM_REQUESTS + 1;

interface Caller {
  sub: string;
  email: string;
}

interface ApiRequest {
  fn: string;
  route: string;
  /** The event of the n-th timed request of this route over all runs (n from 0 to API_RUNS * PER_RUN - 1). */
  event: (n: number) => unknown;
  /** For a route whose repeats would be refusals or no-ops: what a body must say for the request to count. */
  real?: { what: string; did: (body: unknown) => boolean };
}

const apiEvent = (method: string, path: string, caller: Caller, params?: Record<string, string>, body?: string) => ({
  version: '2.0',
  routeKey: `${method} ${path}`,
  rawPath: path,
  headers: { 'content-type': 'application/json' },
  pathParameters: params ?? null,
  queryStringParameters: null,
  body: body ?? null,
  isBase64Encoded: false,
  requestContext: {
    http: { method, path },
    authorizer: { jwt: { claims: { sub: caller.sub, email: caller.email, 'cognito:groups': '[]' } } },
  },
});

/**
 * The API routes measured, each with a request a labeler sends. A claim by a labeler who already
 * holds the most leases is a 409 refusal, and a repeated answer a duplicate no-op: so every timed
 * claim comes from a labeler of its own (a real lease), and every timed answer answers a lease of
 * its own for the first time.
 */
const apiRequests = (jobId: string, leases: { labeler: Caller; taskId: string }[]): ApiRequest[] => {
  const reader = benchLabeler('reader', 0);
  const job = `/api/jobs/${jobId}`;
  const answer = JSON.stringify({
    boxes: [{ label: 'acme', left: 10, top: 10, width: 40, height: 30 }],
    nothingToLabel: false,
  });
  const lease = (n: number) => {
    const found = leases[n];
    if (found === undefined) throw new Error(`no seeded lease for answer ${n}`);
    return found;
  };
  return [
    { fn: 'builtinConfig', route: 'GET /api/config', event: () => apiEvent('GET', '/api/config', reader) },
    { fn: 'builtinMe', route: 'GET /api/me', event: () => apiEvent('GET', '/api/me', reader) },
    { fn: 'builtinListJobs', route: 'GET /api/jobs', event: () => apiEvent('GET', '/api/jobs', reader) },
    {
      fn: 'builtinGetJob',
      route: 'GET /api/jobs/{jobId}',
      event: () => apiEvent('GET', job, reader, { jobId }),
    },
    {
      fn: 'builtinClaimTask',
      route: 'POST /api/jobs/{jobId}/tasks',
      event: (n) => apiEvent('POST', `${job}/tasks`, benchLabeler('claimer', n), { jobId }),
      real: { what: 'leases', did: (body) => (body as { task?: unknown }).task != null },
    },
    {
      // The first claimer holds the lease its claim above took.
      fn: 'builtinMyTasks',
      route: 'GET /api/jobs/{jobId}/tasks/mine',
      event: () => apiEvent('GET', `${job}/tasks/mine`, benchLabeler('claimer', 0), { jobId }),
    },
    {
      fn: 'builtinAnswerTask',
      route: 'POST /api/jobs/{jobId}/tasks/{taskId}/answer',
      event: (n) => {
        const { labeler, taskId } = lease(n);
        return apiEvent('POST', `${job}/tasks/${taskId}/answer`, labeler, { jobId, taskId }, answer);
      },
      real: { what: 'first answers', did: (body) => (body as { duplicate?: boolean }).duplicate === false },
    },
  ];
};

/** Times events[0] cold and the rest warm; prints the timings, every status and every body. */
const LATENCY_SCRIPT = `const [file, exported, eventsFile] = process.argv.slice(1);
const events = JSON.parse(require('node:fs').readFileSync(eventsFile, 'utf8'));
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
const context = { functionName: 'f', awsRequestId: 'r', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:f' };
(async () => {
  let t = process.hrtime.bigint();
  const handler = require(file)[exported];
  const importMs = ms(t);
  const warm = [];
  const replies = [];
  for (const [i, event] of events.entries()) {
    t = process.hrtime.bigint();
    replies.push(await handler(event, context));
    if (i > 0) warm.push(ms(t));
    else firstMs = ms(t);
  }
  warm.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({
    importMs, firstMs, warmMs: warm[Math.floor(warm.length / 2)],
    statuses: replies.map((r) => r.statusCode), bodies: replies.map((r) => r.body),
  }));
})();
let firstMs = 0;`;

interface ChildRun {
  importMs: number;
  firstMs: number;
  warmMs: number;
  statuses: number[];
  bodies: string[];
}

const measureRoute = async (request: ApiRequest, bundle: FunctionBundle, dir: string): Promise<LatencyRow> => {
  const env = { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };
  const runs: ChildRun[] = [];
  for (let run = 0; run < API_RUNS; run++) {
    const eventsFile = join(dir, `${request.fn}-${run}.json`);
    const events = Array.from({ length: PER_RUN }, (_, i) => request.event(run * PER_RUN + i));
    writeFileSync(eventsFile, JSON.stringify(events));
    // Asynchronously: the local DynamoDB the child calls is served by this process's event loop.
    const { stdout } = await execFileAsync(
      process.execPath,
      ['-e', LATENCY_SCRIPT, bundle.file, 'handler', eventsFile],
      {
        env,
        encoding: 'utf8',
        maxBuffer: 16 << 20,
      },
    );
    runs.push(JSON.parse(stdout));
  }
  const statuses = runs.flatMap((r) => r.statuses);
  const real = request.real;
  return {
    fn: request.fn,
    request: request.route,
    importMs: median(runs.map((r) => r.importMs)),
    firstMs: median(runs.map((r) => r.firstMs)),
    warmMs: median(runs.map((r) => r.warmMs)),
    status: runs[0]?.statuses[0] ?? 0,
    all2xx: statuses.every((s) => s >= 200 && s < 300),
    ...(real === undefined
      ? {}
      : {
          real: {
            what: real.what,
            of: statuses.length,
            done: runs.flatMap((r) => r.bodies).filter((b) => real.did(JSON.parse(b))).length,
          },
        }),
  };
};

const measureApi = async (bundles: Map<string, FunctionBundle>, dir: string): Promise<LatencyRow[]> => {
  const { startLocalEnvironment } = await import('../local-runtime/run/run-local');
  const environment = await startLocalEnvironment({ logLevel: 'SILENT' });
  try {
    // After the environment: the seeding reads the table's name from config.ts, which parses the environment once.
    const { seedBenchJob } = await import('./seed-builtin-job');
    const { jobId, leases } = await seedBenchJob(API_RUNS * PER_RUN);
    const rows: LatencyRow[] = [];
    for (const request of apiRequests(jobId, leases)) {
      const bundle = bundles.get(request.fn);
      if (bundle === undefined) throw new Error(`no bundle for ${request.fn}`);
      rows.push(await measureRoute(request, bundle, dir));
    }
    return rows;
  } finally {
    await environment.stop();
  }
};

const table = (header: string[], rows: (string | number)[][]): string =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');

const kb = (bytes: number) => (bytes / 1024).toFixed(0);

const latencyTable = (latencies: LatencyRow[]): string =>
  `${table(
    [
      'API route',
      'function',
      'status',
      'timed requests that did the work',
      'cold import ms',
      'first request ms',
      'cold total ms',
      'warm median ms',
    ],
    latencies.map((r) => [
      r.request,
      r.fn,
      r.all2xx ? `${r.status}, all 2xx` : `${r.status}, NOT all 2xx`,
      r.real === undefined ? '-' : `${r.real.done}/${r.real.of} ${r.real.what}`,
      r.importMs.toFixed(1),
      r.firstMs.toFixed(1),
      (r.importMs + r.firstMs).toFixed(1),
      r.warmMs.toFixed(2),
    ]),
  )}\n\n`;

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundles-bench-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{}');
    const bundles: FunctionBundle[] = [];
    for (const fn of Object.keys(deployedFunctions())) bundles.push(await bundleFunction(fn, dir));
    const imports = await measureImports(bundles, dir);
    const ratio = (row: ImportRow) => row.ratio;
    process.stdout.write(
      `${table(
        [
          'function',
          'bundle KB',
          'map KB',
          'SDK clients',
          'cold import ms',
          'its clients alone ms',
          'ratio (median of pairs)',
        ],
        imports.map((row) => [
          row.bundle.fn,
          kb(row.bundle.bytes),
          kb(row.bundle.mapBytes),
          row.bundle.sdkClients.join(', ') || '(none)',
          row.importMs.toFixed(1),
          row.clientsMs === undefined ? '-' : row.clientsMs.toFixed(1),
          ratio(row)?.toFixed(2) ?? '-',
        ]),
      )}\n`,
    );

    const s3Only = imports.filter((row) => row.bundle.sdkClients.join() === 'client-s3');
    const sample = s3Only[0]?.bundle ?? bundles[0];
    if (sample === undefined) throw new Error('no function to measure');
    const maps = await measureSourceMaps(sample, dir);
    process.stdout.write(
      `\nsource maps (${sample.fn}): cold import ${maps.plain.toFixed(1)} ms, with --enable-source-maps ${maps.withFlag.toFixed(1)} ms (+${(maps.withFlag - maps.plain).toFixed(1)} ms at every cold start); mapping a failing invocation's stack instead: +${maps.firstError.toFixed(1)} ms once per container, only when one fails\n\n`,
    );

    const latencies = await measureApi(new Map(bundles.map((b) => [b.fn, b])), dir);
    process.stdout.write(latencyTable(latencies));

    const worst = (rows: ImportRow[]) => Math.max(...rows.map((row) => ratio(row) ?? 0));
    const api = imports.filter((row) => row.bundle.fn.startsWith('builtin'));
    const goals: [string, boolean, string][] = [
      [
        'no bundle over 1 MB',
        bundles.every((b) => b.bytes < 1_000_000),
        `largest ${kb(Math.max(...bundles.map((b) => b.bytes)))} KB`,
      ],
      [
        'S3-only functions within 1.3x of the S3 client alone',
        worst(s3Only) <= 1.3,
        `worst ${worst(s3Only).toFixed(2)}x`,
      ],
      ['no function over 2x of its own SDK clients alone', worst(imports) <= 2, `worst ${worst(imports).toFixed(2)}x`],
      [
        'labeling API handlers within 2x of their clients, every timed request 2xx, every claim a lease, every answer a first one',
        worst(api) <= 2 && latencies.every((r) => r.all2xx && (r.real === undefined || r.real.done === r.real.of)),
        `worst ${worst(api).toFixed(2)}x`,
      ],
      [
        'readable stack traces add nothing to a cold start',
        maps.withFlag > maps.plain,
        `--enable-source-maps would add ${(maps.withFlag - maps.plain).toFixed(1)} ms to each; mapping costs ${maps.firstError.toFixed(1)} ms at a container's first failure`,
      ],
    ];
    for (const [goal, held, detail] of goals) {
      process.stdout.write(`${held ? 'goal held' : 'goal NOT met'}: ${goal} (${detail})\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
