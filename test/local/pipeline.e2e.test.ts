import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LocalEnvironment,
  type LocalRunOptions,
  runLocalPipeline,
  startLocalEnvironment,
} from '../../local-runtime/run/run-local';
import { generateSampleBatch } from '../../local-runtime/sample/sample-batch';

// The whole pipeline in process: local S3 server, the AWS API stand-ins, the real ASL and handlers.
jest.setTimeout(120_000);

let environment: LocalEnvironment;
let outRoot: string;

beforeAll(async () => {
  environment = await startLocalEnvironment({ labelingMs: 300, waitMs: 100 });
  outRoot = await mkdtemp(join(tmpdir(), 'labeling-pipeline-e2e-'));
});

afterAll(async () => {
  await environment?.stop();
  if (outRoot) await rm(outRoot, { recursive: true, force: true });
});

const run = (name: string, options: LocalRunOptions = {}) =>
  runLocalPipeline({
    environment,
    batchName: name,
    out: join(outRoot, name),
    labelingBackend: 'ground-truth',
    ...options,
  });

const failureEvents = (events: { source: string; 'detail-type': string; detail: Record<string, unknown> }[]) =>
  events.filter((e) => e.source === 'labeling-pipeline' && e['detail-type'] === 'Labeling Pipeline Failed');

describe('local pipeline, end to end, on the Ground Truth backend', () => {
  const sample = generateSampleBatch({ seed: 1 });

  it('turns the sample batch into train and test manifests with a report', async () => {
    const result = await run('e2e-sample', { seed: 1 });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.error).toBeUndefined();
    expect(result.counts.objects).toBe(sample.files.length);
    expect(result.counts.rejected).toBe(sample.expectedRejections.length);
    expect(result.counts.accepted).toBe(sample.files.length - sample.expectedRejections.length);
    expect((result.counts.train ?? 0) + (result.counts.test ?? 0)).toBeGreaterThan(0);
    expect(result.counts.train).toBeGreaterThan(0);
    expect(result.counts.test).toBeGreaterThan(0);
    for (const file of [
      'validation.json',
      'labeling/input.manifest',
      'dataset/train.manifest',
      'dataset/test.manifest',
    ]) {
      expect(existsSync(join(result.outDir, file))).toBe(true);
    }
    const report = JSON.parse(await readFile(join(result.outDir, 'dataset', 'report.json'), 'utf8'));
    expect(report.accepted).toBe(result.counts.datasetImages);
    expect(existsSync(join(result.outDir, 'dataset', 'report.html'))).toBe(true);
    const validation = JSON.parse(await readFile(join(result.outDir, 'validation.json'), 'utf8'));
    expect(validation.totals.rejected).toBe(sample.expectedRejections.length);
    expect(result.events.map((e) => e['detail-type'])).toEqual(['Labeling Pipeline Succeeded']);
    expect(result.events[0]?.source).toBe('labeling-pipeline');
  });

  it('ends in LabelingJobFailed and announces it when the labeling job fails', async () => {
    const result = await run('e2e-job-failed', {
      labelingOutcome: 'Failed',
      failureReason: 'ClientError: the workteam was deleted',
    });

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('LabelingJobFailed');
    expect(result.error?.cause).toContain('the workteam was deleted');
    const [announced] = failureEvents(result.events);
    expect(announced?.detail.error).toMatchObject({ name: 'LabelingJobFailed' });
    // The status change reaches stopAbandonedLabelingJob, as the deployed rule would deliver it.
    expect(
      environment.deliveries.some(
        (e) => e['detail-type'] === 'Step Functions Execution Status Change' && e.detail.name === result.executionName,
      ),
    ).toBe(true);
  });

  it('ends in LabelingJobStopped and announces it when the labeling job is stopped', async () => {
    const result = await run('e2e-job-stopped', { labelingOutcome: 'Stopped' });

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('LabelingJobStopped');
    expect(failureEvents(result.events)[0]?.detail.error).toMatchObject({ name: 'LabelingJobStopped' });
  });

  it('ends in NoValidImages, with no labeling job, when the batch has no valid image', async () => {
    const result = await run('e2e-no-valid-images', { invalidImagesOnly: true });

    expect(result.status).toBe('FAILED');
    expect(result.error?.name).toBe('NoValidImages');
    expect(result.counts.accepted).toBe(0);
    expect(result.counts.rejected).toBe(sample.expectedRejections.filter((r) => r.code !== 'DUPLICATE').length);
    expect(failureEvents(result.events)[0]?.detail.error).toMatchObject({ name: 'NoValidImages' });
    expect(failureEvents(result.events)[0]?.detail).not.toHaveProperty('labelingJobName');
    expect(environment.sageMaker.listJobs().map((j) => j.name)).not.toContain(result.runId);
  });

  it('starts one execution when the S3 event is delivered twice', async () => {
    const result = await run('e2e-duplicate-trigger', { duplicateTrigger: true });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.executionsStarted).toBe(1);
    const executions = environment.runtime
      .list(environment.stateMachineArn)
      .filter((e) => e.name.startsWith('e2e-duplicate-trigger'));
    expect(executions).toHaveLength(1);
    expect(result.events.filter((e) => e['detail-type'] === 'Labeling Pipeline Succeeded')).toHaveLength(1);
  });

  it("never labels the batch's example images: skipped in validation.json, absent from the manifests", async () => {
    const example = generateSampleBatch({ seed: 2 }).files.find((f) => f.name.endsWith('.png'));
    if (example === undefined) throw new Error('the sample has no PNG');
    const prefix = 'incoming/e2e-examples/';

    const result = await run('e2e-examples', {
      seed: 1,
      batchJson: { examples: [{ key: `${prefix}how-to.png`, kind: 'good', caption: 'a tight box' }] },
      extraFiles: [
        { ...example, name: 'how-to.png' },
        { ...example, name: 'examples/good.png' },
      ],
    });

    expect(result.status).toBe('SUCCEEDED');
    const validation = JSON.parse(await readFile(join(result.outDir, 'validation.json'), 'utf8'));
    expect(validation.totals).toMatchObject({ skipped: 2, byReason: { EXAMPLE_IMAGE: 2 } });
    expect(validation.totals.rejected).toBe(sample.expectedRejections.length);
    const manifests = await Promise.all(
      ['labeling/input.manifest', 'dataset/train.manifest', 'dataset/test.manifest'].map((f) =>
        readFile(join(result.outDir, f), 'utf8'),
      ),
    );
    for (const manifest of manifests) {
      expect(manifest).not.toContain('how-to.png');
      expect(manifest).not.toContain(`${prefix}examples/`);
    }
  });

  it('reconciles with DescribeLabelingJob when the completion event is lost and the wait times out', async () => {
    const lines: string[] = [];
    const reporter = { line: (message: string) => lines.push(message), progress: () => undefined };

    const result = await run('e2e-lost-event', { loseLabelingEvent: true, callbackTimeoutSeconds: 3, reporter });

    expect(result.status).toBe('SUCCEEDED');
    // The wait timed out into ReconcileLabelingJob, and no state-change event resumed the run.
    expect(lines).toContain('▸ ReconcileLabelingJob');
    expect(
      environment.deliveries.filter(
        (e) => e.source === 'aws.sagemaker' && e.resources.some((r) => r.endsWith(`/${result.runId}`)),
      ),
    ).toEqual([]);
    expect(result.counts.labeled).toBeGreaterThan(0);
    expect((result.counts.train ?? 0) + (result.counts.test ?? 0)).toBeGreaterThan(0);
  });

  it('resumes a run whose completion event is lost from the scheduled task-token sweep, once', async () => {
    const resumed: string[] = [];
    let running = true;
    const sweeping = (async () => {
      while (running) {
        const swept = await environment.sweepTaskTokens();
        for (const t of swept.tokens) if (t.action === 'resumed') resumed.push(t.jobName);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    // A wait timeout of an hour: only the sweep can end this run within the test.
    const result = await run('e2e-swept', { loseLabelingEvent: true, callbackTimeoutSeconds: 3600 }).finally(() => {
      running = false;
    });
    await sweeping;

    expect(result.status).toBe('SUCCEEDED');
    expect(resumed).toEqual([result.runId]);
    expect(result.counts.labeled).toBeGreaterThan(0);
    expect(
      environment.deliveries.filter(
        (e) => e.source === 'aws.sagemaker' && e.resources.some((r) => r.endsWith(`/${result.runId}`)),
      ),
    ).toEqual([]);
  });

  it("runs on the user's own images, replaying their Ground Truth output manifest", async () => {
    const folder = join(outRoot, 'own-images');
    await mkdir(folder, { recursive: true });
    const valid = sample.files.filter((f) => sample.truth[f.name] !== undefined).slice(0, 10);
    for (const file of valid) await writeFile(join(folder, file.name), file.body);
    // Answers in Ground Truth's output format, for images that lived somewhere else.
    const annotations = valid.map((file) => {
      const truth = sample.truth[file.name];
      const labels = ['acme', 'globex', 'initech'];
      return JSON.stringify({
        'source-ref': `s3://elsewhere/photos/${file.name}`,
        logos: {
          image_size: [{ width: truth?.width, height: truth?.height, depth: 3 }],
          annotations: (truth?.boxes ?? []).map((b) => ({
            class_id: labels.indexOf(b.label),
            left: b.left,
            top: b.top,
            width: b.width,
            height: b.height,
          })),
        },
        'logos-metadata': {
          objects: (truth?.boxes ?? []).map(() => ({ confidence: 0.9 })),
          'class-map': { '0': 'acme', '1': 'globex', '2': 'initech' },
          type: 'groundtruth/object-detection',
          'human-annotated': 'yes',
          'creation-date': '2026-11-01T10:00:00.000000',
          'job-name': 'labeling-job/their-job',
        },
      });
    });
    const annotationsFile = join(outRoot, 'answers.manifest');
    await writeFile(annotationsFile, `${annotations.join('\n')}\n`);

    const result = await run('e2e-own-images', { images: folder, annotations: annotationsFile });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.counts.accepted).toBe(valid.length);
    expect(result.counts.labeled).toBe(valid.length);
    expect((result.counts.train ?? 0) + (result.counts.test ?? 0)).toBeGreaterThan(0);
  });

  it('stops cleanly on Ctrl-C: exit code 130 and no local server left behind', async () => {
    const child = spawn(process.execPath, ['cli/bin.cjs', 'local', '--out', join(outRoot, 'interrupted')], {
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('▸ StartLabelingJobAndWait')) resolve();
      });
      child.on('exit', () => resolve());
    });
    child.kill('SIGINT');

    const code = await exited;
    // With what the run printed, so a failure says why it ended otherwise.
    if (code !== 130)
      throw new Error(`exit code ${code}\n--- stdout\n${output.slice(-2500)}\n--- stderr\n${errors.slice(-2500)}`);
    expect(code).toBe(130);
    expect(output).toContain('ABORTED');
    // The local S3 server and (the CLI's default backend being built-in) the labeling portal are closed.
    const ports = [/local S3 http:\/\/127\.0\.0\.1:(\d+)/, /labeling portal http:\/\/127\.0\.0\.1:(\d+)/].map(
      (pattern) => Number(pattern.exec(output)?.[1]),
    );
    for (const port of ports) {
      expect(port).toBeGreaterThan(0);
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.on('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.on('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    }
  });
});
