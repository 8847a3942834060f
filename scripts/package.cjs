// `npm run package`: `osls package` offline. Packaging makes no AWS call, but the framework
// wants credentials to exist, so placeholder ones are supplied when none are configured.
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const env = {
  AWS_ACCESS_KEY_ID: 'offline-packaging',
  AWS_SECRET_ACCESS_KEY: 'offline-packaging',
  ...process.env,
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
};
const args = ['package', '--stage', 'dev', ...process.argv.slice(2)];
const osls = join(__dirname, '..', 'node_modules', 'osls', 'bin', 'serverless.js');
const run = spawnSync(process.execPath, [osls, ...args], { stdio: 'inherit', env, cwd: join(__dirname, '..') });
process.exit(run.status ?? 1);
