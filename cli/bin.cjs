#!/usr/bin/env node
// Entry point of the `labeling-pipeline` command: runs the TypeScript CLI through tsx.
require('tsx/cjs');
require('./main.ts');
