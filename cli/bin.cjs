#!/usr/bin/env node
// Entry point of the `labeling-pipeline` command: runs the TypeScript CLI through tsx.

// `convert` runs with the heap flags the PostProcess Lambda is deployed with (see
// functions/conversion/functions.yml): V8's defaults let its heap grow to twice the memory for
// no speed. Heap sizes are fixed at startup, and tsx with every command's modules would cost the
// conversion ~2 s and ~100 MB before its first line, so convert runs as its own bundle
// (cli/convert-main.ts, built by esbuild and cached) in a child with those flags.
const CONVERT_HEAP_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=96'];

/**
 * The convert bundle, rebuilt only when one of its inputs changed since it was built (esbuild's
 * metafile lists them; checking their times takes a few ms, building ~0.2 s). Written to a
 * temporary name and renamed, so a concurrent run never loads half a file.
 */
const convertBundle = () => {
  const { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
  const { join, resolve } = require('node:path');
  const root = join(__dirname, '..');
  const cache = process.env.LABELING_PIPELINE_CACHE_DIR ?? join(root, 'node_modules', '.cache', 'labeling-pipeline');
  const bundle = join(cache, 'convert.js');
  const inputsFile = `${bundle}.inputs.json`;
  try {
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    if (existsSync(bundle) && Object.entries(inputs).every(([file, mtime]) => statSync(file).mtimeMs === mtime)) {
      return bundle;
    }
  } catch {
    // No cache yet, or an input is gone: build.
  }
  mkdirSync(cache, { recursive: true });
  const building = `${bundle}.${process.pid}.tmp`;
  const built = require('esbuild').buildSync({
    absWorkingDir: root,
    entryPoints: [join(__dirname, 'convert-main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    mainFields: ['module', 'main'],
    outfile: building,
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.fromEntries(
    Object.keys(built.metafile.inputs).map((input) => [resolve(root, input), statSync(resolve(root, input)).mtimeMs]),
  );
  renameSync(building, bundle);
  writeFileSync(inputsFile, JSON.stringify(inputs));
  return bundle;
};

const runConvertBundle = () => {
  const { spawn } = require('node:child_process');
  const { constants } = require('node:os');
  const child = spawn(process.execPath, [...CONVERT_HEAP_FLAGS, convertBundle(), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // A signal sent to this process alone (kill <pid>) must stop the conversion too, not orphan it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
};

/** The project's Node (package.json engines: >=24), which `npm install` puts in node_modules. */
const MIN_NODE_MAJOR = 24;
const projectNode = () => require('node:path').join(__dirname, '..', 'node_modules', 'node', 'bin', 'node');

/**
 * On an older Node (a system's Node 20 lacks Promise.withResolvers and more), run this same
 * command on the project's Node 24 instead. The child gets its own process group, so a Ctrl-C
 * at the terminal reaches it once, forwarded from here, as `local` takes a second one as "force".
 */
const rerunOnProjectNode = () => {
  const { existsSync } = require('node:fs');
  const node = projectNode();
  const version = process.versions.node;
  if (!existsSync(node) || process.env.LABELING_PIPELINE_RERUN === '1') {
    process.stderr.write(
      `labeling-pipeline needs Node ${MIN_NODE_MAJOR} or later; this is Node ${version}. Run \`npm install\` (it installs Node ${MIN_NODE_MAJOR} into node_modules/node) or use Node ${MIN_NODE_MAJOR}.\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`(Node ${version} is older than ${MIN_NODE_MAJOR}: running on the project's ${node})\n`);
  const { spawn } = require('node:child_process');
  const { constants } = require('node:os');
  const child = spawn(node, process.argv.slice(1), {
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, LABELING_PIPELINE_RERUN: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
};

if (Number(process.versions.node.split('.')[0]) < MIN_NODE_MAJOR) {
  rerunOnProjectNode();
} else if (process.argv[2] === 'convert') {
  runConvertBundle();
} else {
  require('tsx/cjs');
  require('./main.ts');
}
