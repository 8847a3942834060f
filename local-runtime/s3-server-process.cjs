'use strict';
/**
 * Child process that runs s3rver for `startS3Server` (local-runtime/s3-server.ts). It runs in
 * its own Node process because s3rver 3.7.1 hashes continuation tokens with MD4, which Node 17+
 * only offers under `--openssl-legacy-provider`; the parent passes that flag here so the CLI
 * process itself needs no special flags.
 *
 * Protocol over IPC: argv[2] is the storage directory, argv[3] the port (0 = any); once listening, the child sends
 * `{ type: 'listening', port }`; on `{ type: 'stop' }` or when the parent disconnects it closes
 * the server and exits.
 */
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

const directory = process.argv[2];
if (!directory || !process.send) {
  process.stderr.write('usage: fork s3-server-process.cjs <directory> with an IPC channel\n');
  process.exit(2);
}

// s3rver only knows the access key S3RVER. Local clients share whatever dummy credentials the
// local runtime sets for every emulated service, so any access key maps to the dummy account
// (s3rver does not verify SigV4 signatures anyway).
const registry = AWSAccount.registry;
const knownAccount = registry.get.bind(registry);
registry.get = (accessKeyId) => knownAccount(accessKeyId) ?? AWSAccount.DUMMY_ACCOUNT;

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(process.argv[3] || 0),
  directory,
  silent: true,
  configureBuckets: [],
  vhostBuckets: false,
  allowMismatchedSignatures: true,
});

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(code));
  // A keep-alive socket can hold close() open; do not outlive the parent for it.
  setTimeout(() => process.exit(code), 2000).unref();
}

process.on('message', (message) => {
  if (message?.type === 'stop') stop(0);
});
process.on('disconnect', () => stop(0));

server.run((error, address) => {
  if (error) {
    process.send({ type: 'error', message: String(error?.message ?? error) });
    process.exit(1);
    return;
  }
  process.send({ type: 'listening', port: address.port });
});
