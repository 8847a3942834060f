import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// `labeling-pipeline local` as a terminal runs it: its own process group, signals sent to the
// whole group (what Ctrl-C and a closed terminal do), so the local S3 server child gets them too.
jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'labeling-pipeline-signals-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Resolves once the output contains `text` (or the process ended). */
  reached: (text: string) => Promise<void>;
}

const startLocalRun = (temp: string, out: string): Run => {
  const child = spawn(process.execPath, ['cli/bin.cjs', 'local', '--out', out], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, TMPDIR: temp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of waiters.filter((x) => output.includes(x.text))) w.resolve();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    reached: (text) =>
      new Promise<void>((resolve) => {
        if (output.includes(text)) resolve();
        waiters.push({ text, resolve });
        void exited.then(() => resolve());
      }),
  };
};

const s3FoldersOf = async (temp: string, pid: number | undefined) =>
  (await readdir(temp)).filter((name) => name.startsWith(`labeling-pipeline-s3-${pid}-`));

const refuses = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(true));
  });

describe('local runs and signals', () => {
  it('documents the signals in local --help', () => {
    const help = spawnSync(process.execPath, ['cli/bin.cjs', 'local', '--help'], { cwd: ROOT, encoding: 'utf8' });

    expect(help.stdout).toContain('Ctrl-C, SIGTERM or SIGHUP');
    expect(help.stdout).toContain('exit with 130, 143 or 129');
  });

  it.each([
    ['SIGINT', 130, 'uploading 37 files'],
    ['SIGINT', 130, '▸ ValidateImages'],
    ['SIGINT', 130, '▸ StartLabelingJobAndWait'],
    ['SIGTERM', 143, '▸ StartLabelingJobAndWait'],
    ['SIGHUP', 129, '▸ BuildManifest'],
  ] as const)(
    '%s to the process group exits %i cleanly and removes the local S3 folder (sent at %s)',
    async (signal, code, at) => {
      const temp = await mkdtemp(join(scratch, 'tmp-'));
      const run = startLocalRun(temp, join(scratch, `out-${signal}-${code}`));

      await run.reached(at);
      const during = await s3FoldersOf(temp, run.child.pid);
      process.kill(-(run.child.pid ?? 0), signal);
      const exitCode = await run.exited;

      expect(during).toHaveLength(1);
      expect(exitCode).toBe(code);
      expect(run.output()).toContain('stopped: the run was aborted and every local server shut down');
      expect(run.output()).not.toContain('ECONNREFUSED');
      expect(await s3FoldersOf(temp, run.child.pid)).toEqual([]);
      const port = Number(/local S3 http:\/\/127\.0\.0\.1:(\d+)/.exec(run.output())?.[1]);
      expect(await refuses(port)).toBe(true);
    },
  );
});
