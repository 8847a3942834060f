// Builds the labeling page (web/) into web/dist with Vite. `--if-stale`: only when web/dist is
// missing or older than a source file, so `npm start` and the browser tests never serve an old page.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const web = join(root, 'web');
const stamp = join(web, 'dist', '.built');

const newestMtime = (path) => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
};

const sources = [
  join(web, 'src'),
  join(web, 'index.html'),
  join(web, 'vite.config.mts'),
  join(root, 'functions', 'labeling', 'builtin', 'contracts'),
  join(root, 'package-lock.json'),
].filter(existsSync);

const isStale = () => !existsSync(stamp) || Math.max(...sources.map(newestMtime)) > statSync(stamp).mtimeMs;

if (process.argv.includes('--if-stale') && !isStale()) process.exit(0);

const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const quiet = process.argv.includes('--quiet');
const run = spawnSync(
  process.execPath,
  [vite, 'build', '--config', join(web, 'vite.config.mts'), ...(quiet ? ['--logLevel', 'warn'] : [])],
  {
    stdio: 'inherit',
    cwd: root,
  },
);
if (run.status !== 0) process.exit(run.status ?? 1);
writeFileSync(stamp, new Date().toISOString());
