import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

describe('CLI start-up', () => {
  it('loads no Powertools logger or metrics, middy or handler settings module, so `local` can set them up first', () => {
    const script = `
      require('tsx/cjs');
      for (const m of ['convert', 'start', 'status', 'validate-images', 'local']) require('./cli/commands/' + m + '.ts');
      const loaded = Object.keys(require.cache).filter((k) =>
        /@aws-lambda-powertools[\\\\/](logger|metrics|commons)|@middy|kernel[\\\\/](config|observability)/.test(k));
      process.stdout.write(JSON.stringify(loaded));
    `;
    const run = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });

    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([]);
  });
});
