import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { ClaimResponse, JobDetail } from '../../functions/labeling/builtin/contracts/api';
import { apiClient, drawAnswer, keyOfImageUrl, signIn } from '../../local-runtime/labelers/simulated-labelers';
import { generateSampleBatch } from '../../local-runtime/sample/sample-batch';

// `npm start -- --images <folder> --label`: a person labels their own folder in the portal, the
// folder's batch.json is the run's (and stays as it was), the summary counts the person's
// answers, and the portal stays up after the run until Ctrl-C.
jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'labeling-pipeline-own-folder-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The command's output as it comes; `reached` resolves once a pattern shows (or the process ends). */
const watch = (child: ChildProcess) => {
  let output = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpExecArray | null) => void }[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of waiters) {
      const match = w.pattern.exec(output);
      if (match) w.resolve(match);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    output: () => output,
    exited,
    reached: (pattern: RegExp) =>
      new Promise<RegExpExecArray | null>((resolve) => {
        const match = pattern.exec(output);
        if (match) resolve(match);
        waiters.push({ pattern, resolve });
        void exited.then(() => resolve(null));
      }),
  };
};

it('labels a folder of your own in the portal, with its batch.json, then keeps the portal up until Ctrl-C', async () => {
  const sample = generateSampleBatch({ seed: 1, size: 3 });
  const folder = join(scratch, 'my-photos');
  await mkdir(folder, { recursive: true });
  const names = ['sample-01.png', 'sample-02.jpg', 'sample-03.jpg'];
  for (const file of sample.files.filter((f) => names.includes(f.name))) {
    await writeFile(join(folder, file.name), file.body);
  }
  const batchJson = `${JSON.stringify({ labels: sample.labels, instructions: 'Box each **logo**.', testFraction: 0.3 }, null, 2)}\n`;
  await writeFile(join(folder, 'batch.json'), batchJson);

  const child = spawn(
    process.execPath,
    ['cli/bin.cjs', 'local', '--images', folder, '--label', 'me@example.com', '--out', join(scratch, 'out')],
    { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const run = watch(child);
  try {
    const signInLine = await run.reached(
      /label at (http:\/\/127\.0\.0\.1:\d+)\/#\/jobs\/([^/]+)\/label {2}sign in as (\S+) \/ (\S+)/,
    );
    if (!signInLine) throw new Error(`no sign-in line:\n${run.output()}`);
    const [, portal = '', jobId = '', email = '', password = ''] = signInLine;
    const config = (await (await fetch(`${portal}/api/config`)).json()) as {
      userPoolClientId: string;
      cognitoEndpoint: string;
    };
    const cognito = new CognitoIdentityProviderClient({
      endpoint: config.cognitoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const api = apiClient(portal, await signIn(cognito, config.userPoolClientId, { email, password }));
    cognito.destroy();
    const job = await api.expect<JobDetail>('GET', `/api/jobs/${jobId}`, [200]);
    expect({
      instructions: job.body.instructions,
      labels: job.body.labels,
      workers: job.body.workersPerObject,
    }).toEqual({
      instructions: 'Box each **logo**.',
      labels: sample.labels,
      workers: 1,
    });
    for (;;) {
      const claim = await api.expect<ClaimResponse>('POST', `/api/jobs/${jobId}/tasks`, [200, 410]);
      if (claim.status === 410 || claim.body.task === null) break;
      const { task } = claim.body;
      const name = keyOfImageUrl(task.imageUrl).split('/').pop() ?? '';
      const body = drawAnswer(task, sample.truth[name], sample.labels, 1, email);
      await api.expect('POST', `/api/jobs/${jobId}/tasks/${task.taskId}/answer`, [200], body);
    }

    const up = await run.reached(/The labeling portal stays up so you can see the review: (\S+)/);
    expect(up?.[1]).toBe(`${portal}/#/jobs/${jobId}/review`);
    expect(run.output()).toContain('✔ run');
    expect(run.output()).toContain('your answers: 3 images answered as me@example.com');
    expect(run.output()).toContain(`using ${join(folder, 'batch.json')} as the batch's batch.json`);
    // Still serving after the run: the review can be seen.
    expect((await fetch(`${portal}/api/config`)).status).toBe(200);
    process.kill(-(child.pid ?? 0), 'SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('stopping the portal and the local servers');
    expect(await readFile(join(folder, 'batch.json'), 'utf8')).toBe(batchJson);
  } finally {
    if (child.exitCode === null) process.kill(-(child.pid ?? 0), 'SIGKILL');
  }
});
