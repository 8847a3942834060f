import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

const sourceFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });

/** Runs the project's dependency-cruiser rules on a small tree of files written to a temporary folder. */
const cruise = (files: Record<string, string>) => {
  const dir = mkdtempSync(join(tmpdir(), 'layering-'));
  try {
    const all = { 'tsconfig.json': '{"compilerOptions":{"module":"commonjs","strict":true}}', ...files };
    for (const [path, text] of Object.entries(all)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const run = spawnSync(
      process.execPath,
      [DEPCRUISE, 'functions', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err'],
      { cwd: dir, encoding: 'utf8' },
    );
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('layering (dependency-cruiser, run by npm run lint)', () => {
  it('accepts stages that meet through contracts and the kernel, and labeling backends that share the stage', () => {
    const result = cruise({
      'functions/kernel/errors.ts': 'export const e = 1;\n',
      'functions/validation/contracts/report.ts': 'export const r = 1;\n',
      'functions/labeling/ground-truth/rules/regions.ts': 'export const g = 1;\n',
      'functions/labeling/builtin/rules/plan.ts': `import { g } from '../../ground-truth/rules/regions';
import { r } from '../../../validation/contracts/report';
import { e } from '../../../kernel/errors';
export const p = [g, r, e];
`,
    });

    expect(result).toMatchObject({ status: 0 });
  });

  it('fails with the rule name for each kind of violation', () => {
    const result = cruise({
      'functions/kernel/observability.ts': 'export const logger = 1;\n',
      'functions/kernel/aws/s3-client.ts': 'export const s3 = 1;\n',
      'functions/conversion/rules/split.ts': 'export const split = 1;\n',
      'local-runtime/env.ts': 'export const env = 1;\n',
      'functions/labeling/builtin/rules/plan.ts': `import { logger } from '../../../kernel/observability';
import { s3 } from '../../../kernel/aws/s3-client';
import { split } from '../../../conversion/rules/split';
import { env } from '../../../../local-runtime/env';
export const p = [logger, s3, split, env];
`,
      'functions/run/a.ts': "import { b } from './b';\nexport const a = b;\n",
      'functions/run/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    });

    expect(result.status).not.toBe(0);
    for (const rule of ['rules-are-pure', 'stages-meet-through-contracts', 'functions-stand-alone', 'no-circular']) {
      expect(result.output).toContain(`error ${rule}:`);
    }
  });

  it('reads the environment only in config.ts', () => {
    const readers = sourceFiles('functions').filter(
      (file) => !file.endsWith('config.ts') && readFileSync(join(ROOT, file), 'utf8').includes('process.env'),
    );

    expect(readers).toEqual([]);
  });
});
