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
      'functions/labeling/rules/outcome.ts': 'export const g = 1;\n',
      'functions/labeling/builtin/rules/plan.ts': `import { g } from '../../rules/outcome';
import { r } from '../../../validation/contracts/report';
import { e } from '../../../kernel/errors';
export const p = [g, r, e];
`,
      'functions/labeling/builtin/contracts/api.ts': 'export const api = 1;\n',
      // The registries may name a backend; other stages may read a backend's contracts.
      'functions/labeling/aws/labeling-backends.ts':
        "import { p } from '../builtin/rules/plan';\nexport const all = [p];\n",
      'functions/conversion/rules/review.ts':
        "import { api } from '../../labeling/builtin/contracts/api';\nexport const x = api;\n",
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
      'functions/labeling/ground-truth/rules/regions.ts':
        "import { p } from '../../builtin/rules/plan';\nexport const g = p;\n",
      'functions/labeling/rules/sweep.ts': "import { g } from '../ground-truth/rules/regions';\nexport const s = g;\n",
      'functions/labeling/builtin/aws/table.ts': 'export const table = 1;\n',
      'functions/datasets/aws/peek.ts':
        "import { table } from '../../labeling/builtin/aws/table';\nexport const t = table;\n",
    });

    expect(result.status).not.toBe(0);
    for (const rule of [
      'rules-are-pure',
      'stages-meet-through-contracts',
      'functions-stand-alone',
      'no-circular',
      'labeling-backends-stay-apart',
      'only-registries-import-a-backend',
      'backends-open-only-their-contracts',
    ]) {
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
