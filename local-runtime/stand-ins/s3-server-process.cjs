'use strict';
/**
 * Child process that runs s3rver for `startS3Server` (local-runtime/stand-ins/s3-server.ts). It runs in
 * its own Node process because s3rver 3.7.1 hashes continuation tokens with MD4, which Node 17+
 * only offers under `--openssl-legacy-provider`; the parent passes that flag here so the CLI
 * process itself needs no special flags.
 *
 * Protocol: argv[2] is the storage directory, argv[3] the port (0 = any). Once listening, the
 * child sends `{ type: 'listening', port }` over IPC; on `{ type: 'stop' }`, or when the parent
 * disconnects (exits or dies), it closes the server and exits.
 */
const { Transform } = require('node:stream');
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

/**
 * Decodes an `aws-chunked` request body (`<hex size>[;chunk-signature=…]\r\n<data>\r\n` … `0\r\n`
 * plus trailing checksum headers) into the plain object bytes. s3rver 3.7.1 predates this
 * encoding, which SDK clients with default checksum settings use for streamed uploads, and would
 * store the framing as part of the object.
 */
function createAwsChunkedDecoder() {
  let pending = Buffer.alloc(0);
  let state = 'size';
  let remaining = 0;
  // Each step consumes what it can from `pending` and returns false when it needs more bytes.
  const steps = {
    trailer() {
      pending = Buffer.alloc(0);
      return false;
    },
    size() {
      const end = pending.indexOf('\r\n');
      if (end < 0) return false;
      const size = Number.parseInt(pending.subarray(0, end).toString('latin1').split(';')[0], 16);
      if (!Number.isFinite(size) || size < 0) throw new Error('malformed aws-chunked request body');
      pending = pending.subarray(end + 2);
      state = size === 0 ? 'trailer' : 'data';
      remaining = size;
      return true;
    },
    data(push) {
      if (pending.length === 0) return false;
      const take = Math.min(remaining, pending.length);
      push(pending.subarray(0, take));
      pending = pending.subarray(take);
      remaining -= take;
      if (remaining === 0) state = 'end-of-chunk';
      return true;
    },
    'end-of-chunk'() {
      if (pending.length < 2) return false;
      pending = pending.subarray(2);
      state = 'size';
      return true;
    },
  };
  return new Transform({
    transform(chunk, _encoding, callback) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      try {
        while (steps[state]((bytes) => this.push(bytes))) {}
      } catch (error) {
        callback(error);
        return;
      }
      callback();
    },
  });
}

function isAwsChunked(headers) {
  const encodings = String(headers['content-encoding'] ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
  return {
    chunked:
      encodings.includes('aws-chunked') || String(headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-'),
    otherEncodings: encodings.filter((value) => value !== 'aws-chunked'),
  };
}

// Runs before s3rver's own middleware: s3rver stores `ctx.req` by piping it, so decoding is
// hooked into that pipe, and the headers are corrected to what real S3 would store.
server.middleware.unshift(async (ctx, next) => {
  const { chunked, otherEncodings } = isAwsChunked(ctx.req.headers);
  if (chunked) {
    const request = ctx.req;
    const pipe = request.pipe.bind(request);
    request.pipe = (destination, options) => {
      const decoder = createAwsChunkedDecoder();
      decoder.on('error', (error) => destination.destroy(error));
      return pipe(decoder).pipe(destination, options);
    };
    if (otherEncodings.length > 0) request.headers['content-encoding'] = otherEncodings.join(', ');
    else delete request.headers['content-encoding'];
    const decodedLength = request.headers['x-amz-decoded-content-length'];
    if (decodedLength !== undefined) request.headers['content-length'] = decodedLength;
  }
  await next();
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
// A terminal's Ctrl-C (and a hang-up or TERM sent to the process group) reaches this child too.
// Dying at once would refuse the parent's last requests (ECONNREFUSED) while it winds the run
// down; the parent stops this server itself, and its exit (even a SIGKILL) disconnects us.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => undefined);
process.on('disconnect', () => stop(0));

server.run((error, address) => {
  if (error) {
    process.send({ type: 'error', message: String(error?.message ?? error) });
    process.exit(1);
    return;
  }
  process.send({ type: 'listening', port: address.port });
});
