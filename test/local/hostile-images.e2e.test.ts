import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalEnvironment, runLocalPipeline, startLocalEnvironment } from '../../local-runtime/run/run-local';
import { generateSampleBatch } from '../../local-runtime/sample/sample-batch';
import { hostileImages } from '../fixtures/hostile-images';
import { jpegImage } from '../fixtures/images';

// `local --images` on a folder of hostile files, through the real handlers and state machine.
jest.setTimeout(120_000);

let environment: LocalEnvironment;
let root: string;

beforeAll(async () => {
  environment = await startLocalEnvironment({ labelingMs: 300, waitMs: 100 });
  root = await mkdtemp(join(tmpdir(), 'labeling-pipeline-hostile-'));
});

afterAll(async () => {
  await environment?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

/** One Ground Truth output line for `name` with one box, as a labeling job would return it. */
const answer = (name: string, width: number, height: number, box: { left: number; top: number }) =>
  JSON.stringify({
    'source-ref': `s3://elsewhere/photos/${name}`,
    logos: {
      image_size: [{ width, height, depth: 3 }],
      annotations: [{ class_id: 0, left: box.left, top: box.top, width: 40, height: 30 }],
    },
    'logos-metadata': {
      objects: [{ confidence: 0.9 }],
      'class-map': { '0': 'acme' },
      type: 'groundtruth/object-detection',
      'human-annotated': 'yes',
      'creation-date': '2026-11-01T10:00:00.000000',
      'job-name': 'labeling-job/their-job',
    },
  });

describe('local run with --images on hostile files', () => {
  it('keeps truncated and corrupt images out of the dataset, and lists links and FIFOs as skipped', async () => {
    const folder = join(root, 'images');
    const outside = join(root, 'outside');
    await mkdir(folder, { recursive: true });
    await mkdir(outside, { recursive: true });
    const sample = generateSampleBatch({ seed: 1 });
    const valid = sample.files.filter((f) => sample.truth[f.name] !== undefined).slice(0, 6);
    for (const file of valid) await writeFile(join(folder, file.name), file.body);
    const hostile = hostileImages();
    for (const [name, { body }] of Object.entries(hostile)) await writeFile(join(folder, name), body);
    await writeFile(join(outside, 'private.jpg'), jpegImage(200, 200, { seed: 9 }));
    await symlink(join(outside, 'private.jpg'), join(folder, 'link-outside.jpg'));
    await symlink(join(folder, valid[0]?.name ?? ''), join(folder, 'z-link-inside.jpg'));
    expect(spawnSync('mkfifo', [join(folder, 'pipe.jpg')]).status).toBe(0);
    await writeFile(join(folder, '.DS_Store'), 'Finder metadata');
    // Answers for every file, the broken ones too: only validation can keep those out.
    const lines = [
      ...valid.map((f) =>
        answer(f.name, sample.truth[f.name]?.width ?? 0, sample.truth[f.name]?.height ?? 0, { left: 5, top: 5 }),
      ),
      ...Object.keys(hostile).map((name) => answer(name, 320, 240, { left: 10, top: 10 })),
      answer('link-outside.jpg', 200, 200, { left: 10, top: 10 }),
    ];
    const annotations = join(root, 'answers.manifest');
    await writeFile(annotations, `${lines.join('\n')}\n`);
    const reported: string[] = [];

    const result = await runLocalPipeline({
      environment,
      batchName: 'e2e-hostile',
      images: folder,
      annotations,
      out: join(root, 'out'),
      reporter: { line: (message) => reported.push(message), progress: () => undefined },
    });

    expect(result.status).toBe('SUCCEEDED');
    const validation = JSON.parse(await readFile(join(result.outDir, 'validation.json'), 'utf8'));
    const verdict = (name: string) => validation.images.find((i: { key: string }) => i.key.endsWith(`/${name}`));
    for (const [name, { code }] of Object.entries(hostile)) {
      expect({ name, ...verdict(name) }).toMatchObject({ name, verdict: 'rejected', reasons: [{ code }] });
    }
    expect(verdict('z-link-inside.jpg')).toMatchObject({ reasons: [{ code: 'DUPLICATE' }] });
    expect(verdict('link-outside.jpg')).toBeUndefined();
    expect(verdict('pipe.jpg')).toBeUndefined();
    expect(verdict('.DS_Store')).toBeUndefined();
    expect(validation.totals).toMatchObject({ total: valid.length + 6, accepted: valid.length });
    const dataset = [
      await readFile(join(result.outDir, 'dataset', 'train.manifest'), 'utf8'),
      await readFile(join(result.outDir, 'dataset', 'test.manifest'), 'utf8'),
    ].join('');
    for (const name of [...Object.keys(hostile), 'link-outside.jpg']) expect(dataset).not.toContain(name);
    expect(result.counts.datasetImages).toBe(valid.length);
    expect(reported).toEqual(
      expect.arrayContaining([
        '  skipped link-outside.jpg: symbolic link to a file outside the folder (not followed)',
        '  skipped .DS_Store: hidden file (the name starts with a dot)',
        '  skipped pipe.jpg: a named pipe (FIFO), not an image file',
      ]),
    );
  });
});
