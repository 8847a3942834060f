import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface S3ServerOptions {
  /** Where objects are stored. A fresh temporary directory when omitted (removed again by stop()). */
  directory?: string;
  /** Loopback port; 0 or omitted lets the OS pick a free one. */
  port?: number;
}

export interface RunningS3Server {
  /** `http://127.0.0.1:<port>`: give it to S3 clients as `endpoint` with `forcePathStyle: true`. */
  endpoint: string;
  directory: string;
  /** Stops the server process and waits for it to exit; removes the directory only if we created it. */
  stop(): Promise<void>;
}

/**
 * Dummy credentials for local S3 clients. Any access key is accepted (the server maps unknown
 * keys to its single dummy account and does not verify SigV4 signatures); these are s3rver's own.
 */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** Temporary storage folders are `labeling-pipeline-s3-<pid of the process that made it>-<random>`. */
const FOLDER_PREFIX = 'labeling-pipeline-s3-';
const OWNED_FOLDER = /^labeling-pipeline-s3-(\d+)-/;
/** A folder of an older version carries no pid; one untouched this long belongs to no running run. */
const UNOWNED_FOLDER_MAX_AGE_MS = 24 * 60 * 60 * 1000;

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Removes the storage folders that earlier local runs left in `root` (a run killed with SIGKILL,
 * or a machine that lost power) whose process no longer runs; returns the folders removed.
 * Folders of runs still going, and anything not named like ours, are left alone.
 */
export const removeStaleS3Folders = async (root = tmpdir(), now = Date.now()): Promise<string[]> => {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith(FOLDER_PREFIX)) continue;
    const path = join(root, entry.name);
    const owner = OWNED_FOLDER.exec(entry.name)?.[1];
    const stale =
      owner === undefined
        ? now - (await stat(path)).mtimeMs > UNOWNED_FOLDER_MAX_AGE_MS
        : Number(owner) !== process.pid && !isRunning(Number(owner));
    if (!stale) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
};

const STARTUP_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

type ChildMessage = { type: 'listening'; port: number } | { type: 'error'; message: string };

/**
 * Starts a real S3-protocol server (s3rver 3.7.1) on 127.0.0.1 in a child Node process.
 *
 * The child runs with `--openssl-legacy-provider` because s3rver hashes ListObjectsV2 continuation
 * tokens with MD4 (listing past 1,000 keys fails without it), so the calling process needs no
 * special flags. The child exits when the parent process dies (IPC disconnect).
 *
 * Configure clients with `forcePathStyle: true`, the returned `endpoint`, region `us-east-1` and
 * any credentials (e.g. {@link LOCAL_S3_CREDENTIALS}; code that builds its clients from the
 * environment gets the endpoint through `AWS_ENDPOINT_URL_S3=<endpoint>`, but path-style
 * addressing has no env variable, so such clients need `forcePathStyle: true` in code).
 *
 * Checksums: with the SDK default (`WHEN_SUPPORTED`) a streamed PutObject is sent `aws-chunked`,
 * which s3rver would store framing and all. The child decodes `aws-chunked` bodies itself, so
 * default clients work, but clients should still set `requestChecksumCalculation: 'WHEN_REQUIRED'`
 * and `responseChecksumValidation: 'WHEN_REQUIRED'` (from the environment:
 * `AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED`, `AWS_RESPONSE_CHECKSUM_VALIDATION=WHEN_REQUIRED`)
 * because s3rver neither verifies nor returns checksums.
 */
export async function startS3Server(options: S3ServerOptions = {}): Promise<RunningS3Server> {
  const ownsDirectory = options.directory === undefined;
  if (ownsDirectory) await removeStaleS3Folders();
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), `${FOLDER_PREFIX}${process.pid}-`)));
  const child = fork(join(__dirname, 's3-server-process.cjs'), [directory, String(options.port ?? 0)], {
    execPath: process.execPath,
    execArgv: ['--openssl-legacy-provider'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });

  let port: number;
  try {
    port = await waitUntilListening(child);
  } catch (error) {
    child.kill('SIGKILL');
    if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    throw error;
  }
  // Neither the child nor its IPC channel should keep the caller alive; the child notices the
  // parent's exit through the disconnect.
  child.unref();
  child.channel?.unref();

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    stop() {
      stopped ??= stopChild(child).then(async () => {
        if (ownsDirectory) await rm(directory, { recursive: true, force: true });
      });
      return stopped;
    },
  };
}

function waitUntilListening(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('local S3 server did not start in time')), STARTUP_TIMEOUT_MS);
    const onMessage = (message: ChildMessage) => {
      if (message.type === 'listening') {
        cleanup();
        resolve(message.port);
      } else fail(new Error(`local S3 server failed to start: ${message.message}`));
    };
    const onExit = (code: number | null) => fail(new Error(`local S3 server exited during startup (code ${code})`));
    const onError = (error: Error) => fail(error);
    function cleanup() {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    function fail(error: Error) {
      cleanup();
      reject(error);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.on('error', onError);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'stop' });
    else child.kill('SIGTERM');
  });
}
