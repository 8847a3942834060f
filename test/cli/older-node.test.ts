import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// `node cli/bin.cjs ...` on a Node older than the project's 24 (Debian's Node 20 has no
// Promise.withResolvers) re-runs itself on the Node 24 that `npm install` put in node_modules.

const ROOT = join(__dirname, '..', '..');
const SYSTEM_NODE = '/usr/bin/node';
const majorOf = (node: string): number =>
  Number(execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).split('.')[0]);
/** An older Node to try it with: the system's when it is older, else none (then only the project's runs). */
const olderNode = existsSync(SYSTEM_NODE) && majorOf(SYSTEM_NODE) < 24 ? SYSTEM_NODE : undefined;
const local = (node: string, env: NodeJS.ProcessEnv = {}) =>
  spawnSync(node, ['cli/bin.cjs', 'local', '--labelers', '0'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

describe('cli/bin.cjs on an older Node', () => {
  it('runs the command on the project Node, saying so', () => {
    const run = local(olderNode ?? process.execPath);
    // The command itself answered: its own option check, not a crash of Node 20.
    expect({ status: run.status, error: run.stderr.includes('--labelers 0 needs --label') }).toEqual({
      status: 1,
      error: true,
    });
    expect(run.stderr).not.toContain('withResolvers');
    if (olderNode) expect(run.stderr).toContain("is older than 24: running on the project's");
    else expect(run.stderr).not.toContain('is older than 24');
  });

  it('says what to do when the project Node cannot be run', () => {
    // LABELING_PIPELINE_RERUN marks a re-run that is still on an old Node: it must not loop.
    const run = local(olderNode ?? process.execPath, { LABELING_PIPELINE_RERUN: '1' });
    if (olderNode) {
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /labeling-pipeline needs Node 24 or later; this is Node 2\d\.\d+\.\d+\. Run `npm install`/,
      );
    } else {
      expect(run.stderr).toContain('--labelers 0 needs --label');
    }
  });
});
