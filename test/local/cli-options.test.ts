import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const local = (...args: string[]) =>
  spawnSync(process.execPath, ['cli/bin.cjs', 'local', ...args], { cwd: ROOT, encoding: 'utf8' });

describe('labeling-pipeline local: option checks before anything starts', () => {
  it.each([
    [['--labeling-backend', 'mturk'], '--labeling-backend must be one of builtin, ground-truth, got mturk'],
    [
      ['--job-outcome', 'Failed'],
      '--job-outcome simulates a Ground Truth job: use it with --labeling-backend ground-truth',
    ],
    [['--labeling-backend', 'ground-truth', '--labelers', '5'], '--labelers and --label work on the built-in backend'],
    [['--labelers', '0'], '--labelers 0 needs --label: someone must label'],
  ])('%j fails: %s', (args, message) => {
    const run = local(...args);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message);
  });
});
