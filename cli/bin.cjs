#!/usr/bin/env node
// Entry point of the `labeling-pipeline` command: runs the TypeScript CLI through tsx.

// `convert` runs with the heap flags the PostProcess Lambda is deployed with (see
// functions/conversion/functions.yml): V8's defaults let its heap grow to twice the memory for
// no speed. Heap sizes are fixed at startup, and tsx with every command's modules would cost the
// conversion ~2 s and ~100 MB before its first line, so convert runs as its own bundle
// (cli/convert-main.ts, built by esbuild in a fraction of a second) in a child with those flags.
const CONVERT_HEAP_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=96'];

const runConvertBundle = () => {
  const { spawn } = require('node:child_process');
  const { mkdtempSync, rmSync } = require('node:fs');
  const { constants, tmpdir } = require('node:os');
  const { join } = require('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'labeling-pipeline-convert-'));
  const bundle = join(dir, 'convert.js');
  require('esbuild').buildSync({
    entryPoints: [join(__dirname, 'convert-main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    mainFields: ['module', 'main'],
    outfile: bundle,
    logLevel: 'error',
  });
  const child = spawn(process.execPath, [...CONVERT_HEAP_FLAGS, bundle, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // A signal sent to this process alone (kill <pid>) must stop the conversion too, not orphan it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
  });
};

if (process.argv[2] === 'convert') {
  runConvertBundle();
} else {
  require('tsx/cjs');
  require('./main.ts');
}
