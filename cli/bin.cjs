#!/usr/bin/env node
// Entry point of the `labeling-pipeline` command: runs the TypeScript CLI through tsx.

// `convert` runs with the heap flags the PostProcess Lambda is deployed with (see
// functions/conversion/functions.yml): V8's defaults let its heap grow to twice the memory for
// no speed. Heap sizes are fixed at startup, so the command re-executes itself once with them.
const CONVERT_HEAP_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=96'];
if (process.argv[2] === 'convert' && process.env.LABELING_PIPELINE_HEAP_FLAGS === undefined) {
  const { spawnSync } = require('node:child_process');
  const run = spawnSync(process.execPath, [...CONVERT_HEAP_FLAGS, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, LABELING_PIPELINE_HEAP_FLAGS: CONVERT_HEAP_FLAGS.join(' ') },
  });
  process.exit(run.status ?? 1);
}
require('tsx/cjs');
require('./main.ts');
