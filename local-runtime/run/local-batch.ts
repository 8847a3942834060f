import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { LabelingBackendName } from '../../functions/kernel/contracts/step-io';
import { slugify } from '../../functions/kernel/rules/run-id';
import { attributeOfMetadataKey } from '../../functions/labeling/contracts/labeling-output/layout';
import { readOutputLine } from '../../functions/labeling/contracts/labeling-output/read-output-line';
import { generateSampleBatch, type SampleFile, type TruthImage } from '../sample/sample-batch';
import type { LocalEnvironment, RunReporter } from '../stack/local-stack';
import { listFolder, printableName, type SkippedEntry } from './local-folder';

/** What decides the batch a local run uploads, and the run options batch.json carries. */
export interface BatchOptions {
  /** Seed of the generated sample batch and of the simulated workforce (default 1). */
  seed?: number;
  /** Workers per image (NumberOfHumanWorkersPerDataObject). */
  workers?: number;
  autoLabeling?: boolean;
  /** Also train a (simulated) model version. */
  train?: boolean;
  /** A folder of the user's own images, instead of the sample batch; needs `annotations`. */
  images?: string;
  /** A Ground Truth output manifest with the answers for `images`. */
  annotations?: string;
  labels?: string[];
  /** The batch folder name under incoming/ (default sample-<seed>, or the images folder's name). */
  batchName?: string;
  /** Valid images of the generated sample (default 32). */
  sampleSize?: number;
  /** Which labeling backend the run uses (batch.json `labelingBackend`; default: the stage's, locally `builtin`). */
  labelingBackend?: LabelingBackendName;
  /** More batch.json fields (instructions, examples, taskTimeLimitSeconds, labelerGroup...), merged last. */
  batchJson?: Record<string, unknown>;
  /** More files uploaded under the batch folder (e.g. `examples/good.jpg` for batch.json's examples). */
  extraFiles?: SampleFile[];
  /** Test hook: upload only the sample's files that are invalid by themselves (a batch with no valid image). */
  invalidImagesOnly?: boolean;
}

export interface BatchToUpload {
  name: string;
  files: SampleFile[];
  labels: string[];
  profile: { truth?: Record<string, TruthImage>; annotationLines?: string[] };
  /** Entries of the `--images` folder that are not uploaded (links out of it, FIFOs, hidden files), and why. */
  skipped: SkippedEntry[];
}

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
};

/** Labels named in a Ground Truth output manifest's class maps, in class-id order. */
const labelsFromAnnotations = (lines: string[]): string[] => {
  const byId = new Map<number, string>();
  for (const line of lines) {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    for (const key of Object.keys(record)) {
      const attribute = attributeOfMetadataKey(key);
      if (attribute === undefined) continue;
      for (const box of readOutputLine(record, attribute).boxes) {
        if (box.label !== undefined) byId.set(Number(box.classId), box.label);
      }
    }
  }
  return [...byId.entries()].sort(([a], [b]) => a - b).map(([, name]) => name);
};

export const prepareBatch = async (options: BatchOptions): Promise<BatchToUpload> => {
  const seed = options.seed ?? 1;
  if (options.images !== undefined) {
    if (options.annotations === undefined) {
      throw new Error('--images needs --annotations <output.manifest>: the local workforce replays those answers');
    }
    const folder = resolve(options.images);
    // Regular files only: a FIFO would block the read, and a link must not upload files from elsewhere.
    const listing = await listFolder(folder, { skipHidden: true });
    if (listing.files.length === 0) {
      const skipped = listing.skipped.length === 0 ? '' : ` (${listing.skipped.length} entries skipped)`;
      throw new Error(`${folder} holds no image files${skipped}`);
    }
    const files = await Promise.all(
      listing.files.map(async ({ name, path }) => ({
        name,
        body: new Uint8Array(await readFile(path)),
        contentType: CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream',
      })),
    );
    const annotationLines = (await readFile(resolve(options.annotations), 'utf8'))
      .split('\n')
      .filter((l) => l.trim() !== '');
    const labels = options.labels ?? labelsFromAnnotations(annotationLines);
    if (labels.length === 0) throw new Error(`${options.annotations} names no labels in its class maps; pass --labels`);
    return {
      name: options.batchName ?? (slugify(basename(folder)) || 'my-images'),
      files,
      labels,
      profile: { annotationLines },
      skipped: listing.skipped,
    };
  }
  const sample = generateSampleBatch({
    seed,
    ...(options.sampleSize === undefined ? {} : { size: options.sampleSize }),
  });
  // A duplicate is valid on its own once the original is left out: keep only files invalid by themselves.
  const rejectedNames = new Set(sample.expectedRejections.filter((r) => r.code !== 'DUPLICATE').map((r) => r.name));
  const files = options.invalidImagesOnly ? sample.files.filter((f) => rejectedNames.has(f.name)) : sample.files;
  return {
    name: options.batchName ?? `sample-${seed}`,
    files,
    labels: options.labels ?? sample.labels,
    profile: { truth: sample.truth },
    skipped: [],
  };
};

export const uploadBatch = async (
  env: LocalEnvironment,
  batch: BatchToUpload,
  options: BatchOptions,
  reporter: RunReporter,
): Promise<{ key: string; size: number; etag: string }> => {
  const prefix = `incoming/${batch.name}/`;
  for (const entry of batch.skipped) reporter.line(`  skipped ${printableName(entry.name)}: ${entry.message}`);
  let done = 0;
  const queue = [...batch.files, ...(options.extraFiles ?? [])];
  const total = queue.length;
  // A few uploads in flight, as a user's sync tool would.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        await env.s3.send(
          new PutObjectCommand({
            Bucket: env.bucket,
            Key: `${prefix}${file.name}`,
            Body: file.body,
            ContentType: file.contentType,
          }),
        );
        done += 1;
        reporter.progress('uploading', done, total);
      }
    }),
  );
  // batch.json last: it is the trigger, and holds only run options (execution-input.ts BatchFile).
  const batchFile = JSON.stringify(
    {
      labels: batch.labels,
      ...(options.workers === undefined ? {} : { workersPerObject: options.workers }),
      ...(options.autoLabeling === undefined ? {} : { autoLabeling: options.autoLabeling }),
      ...(options.train === undefined ? {} : { train: options.train }),
      ...(options.labelingBackend === undefined ? {} : { labelingBackend: options.labelingBackend }),
      ...options.batchJson,
    },
    null,
    2,
  );
  const key = `${prefix}batch.json`;
  const out = await env.s3.send(
    new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: batchFile, ContentType: 'application/json' }),
  );
  const etag = (out.ETag ?? createHash('md5').update(batchFile).digest('hex')).replace(/"/g, '');
  return { key, size: Buffer.byteLength(batchFile), etag };
};
