import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareBatch } from '../../local-runtime/run/local-batch';
import { withOwnSettings } from '../../local-runtime/run/run-local';
import { generateSampleBatch } from '../../local-runtime/sample/sample-batch';

// `--images <folder>`: what a folder of one's own images becomes, before anything starts.

let root: string;
const sample = generateSampleBatch({ seed: 2, size: 3 });
const images = sample.files.filter((f) => f.name.startsWith('sample-0')).slice(0, 2);

const folderWith = async (name: string, extra: Record<string, string> = {}): Promise<string> => {
  const folder = join(root, name);
  await mkdir(join(folder, 'examples'), { recursive: true });
  for (const file of images) await writeFile(join(folder, file.name), file.body);
  for (const [file, text] of Object.entries(extra)) await writeFile(join(folder, file), text);
  return folder;
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'labeling-pipeline-local-batch-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('prepareBatch on a folder of your own images', () => {
  it('needs answers to replay, or a person to label', async () => {
    const folder = await folderWith('no-answers');
    await expect(prepareBatch({ images: folder })).rejects.toThrow(
      '--images needs --annotations <output.manifest> (the simulated labelers replay those answers) or --label (you label the images in the browser)',
    );
    await expect(prepareBatch({ images: folder, person: {}, labels: ['acme'] })).resolves.toMatchObject({
      labels: ['acme'],
      profile: {},
    });
  });

  it('asks for the labels when a person labels and nothing names them', async () => {
    const folder = await folderWith('no-labels');
    await expect(prepareBatch({ images: folder, person: {} })).rejects.toThrow(
      'name the labels to draw: --labels a,b, or "labels" in the folder\'s batch.json',
    );
  });

  it('says so when the annotations answer none of the images, naming how files are matched', async () => {
    const folder = await folderWith('unmatched');
    const answers = join(root, 'elsewhere.manifest');
    await writeFile(answers, `${JSON.stringify({ 'source-ref': 's3://b/photos/IMG_0001.jpg' })}\n`);
    await expect(prepareBatch({ images: folder, annotations: answers })).rejects.toThrow(
      `${answers} answers none of the images in ${folder}: answers are matched to images by file name (the last part of source-ref, e.g. IMG_0001.jpg; the folder has e.g. ${images[0]?.name})`,
    );
  });

  it("uses the folder's own batch.json: its labels, its batch folder, and leaves the file as it is", async () => {
    const own = {
      labels: ['acme', 'globex'],
      instructions: 'Box every logo.',
      testFraction: 0.25,
      labelingBackend: 'builtin',
      examples: [{ key: 'incoming/spring-logos/examples/good.png', kind: 'good', caption: 'tight' }],
    };
    const text = `\uFEFF${JSON.stringify(own, null, 2)}`;
    const folder = await folderWith('My Photos', { 'batch.json': text, 'examples/good.png': 'png' });
    const batch = await prepareBatch({ images: folder, person: {}, labels: ['ignored'] });
    expect({ name: batch.name, labels: batch.labels, own: batch.own }).toEqual({
      name: 'spring-logos',
      labels: ['acme', 'globex'],
      own: { path: join(folder, 'batch.json'), settings: own },
    });
    expect(batch.files.map((f) => f.name)).not.toContain('batch.json');
    expect(await readFile(join(folder, 'batch.json'), 'utf8')).toBe(text);
  });

  it('names a batch.json that is not a JSON object', async () => {
    const folder = await folderWith('bad-json', { 'batch.json': '{ labels: [acme] }' });
    await expect(prepareBatch({ images: folder, person: {}, labels: ['a'] })).rejects.toThrow(
      `${join(folder, 'batch.json')} is not JSON`,
    );
    const list = await folderWith('list-json', { 'batch.json': '["acme"]' });
    await expect(prepareBatch({ images: list, person: {}, labels: ['a'] })).rejects.toThrow(
      `${join(list, 'batch.json')} must be a JSON object (of run options)`,
    );
  });
});

describe("a run on a folder whose batch.json sets the run's options", () => {
  const batchOf = (settings: Record<string, unknown>) => ({
    name: 'b',
    files: [],
    labels: ['acme'],
    profile: {},
    skipped: [],
    own: { path: '/photos/batch.json', settings },
  });

  it('takes its backend and workers per image', () => {
    expect(
      withOwnSettings(
        { labelingBackend: 'builtin', workers: 2 },
        batchOf({ labelingBackend: 'ground-truth', workersPerObject: 3 }),
      ),
    ).toMatchObject({ labelingBackend: 'ground-truth', workers: 3 });
  });

  it('refuses what a person labeling cannot do with it, saying how to fix it', () => {
    expect(() => withOwnSettings({ person: {}, workers: 1 }, batchOf({ workersPerObject: 3 }))).toThrow(
      '/photos/batch.json sets "workersPerObject": 3; with --label each image needs 1 (the simulated labelers plus you): pass --labelers 2 or remove it',
    );
    expect(() => withOwnSettings({ person: {}, workers: 1 }, batchOf({ labelingBackend: 'ground-truth' }))).toThrow(
      '--label works on the built-in backend; /photos/batch.json sets "labelingBackend": "ground-truth"',
    );
  });
});
