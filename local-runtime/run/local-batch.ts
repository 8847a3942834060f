import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { LabelingBackendName } from '../../functions/kernel/contracts/step-io';
import { slugify } from '../../functions/kernel/rules/run-id';
import { attributeOfMetadataKey } from '../../functions/labeling/contracts/labeling-output/layout';
import { readOutputLine } from '../../functions/labeling/contracts/labeling-output/read-output-line';
import { generateSampleBatch, type SampleFile, type TruthImage } from '../sample/sample-batch';
import type { LocalEnvironment, RunReporter } from '../stack/local-stack';
import { type FolderFile, listFolder, printableName, type SkippedEntry } from './local-folder';

/** What decides the batch a local run uploads, and the run options batch.json carries. */
export interface BatchOptions {
  /** Seed of the generated sample batch and of the simulated workforce (default 1). */
  seed?: number;
  /** Workers per image (NumberOfHumanWorkersPerDataObject). */
  workers?: number;
  autoLabeling?: boolean;
  /** Also train a (simulated) model version. */
  train?: boolean;
  /** A folder of the user's own images, instead of the sample batch; needs `annotations` unless a person labels. */
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
  /** The `--images` folder's own batch.json: its settings win over the command line's. */
  own?: OwnBatchJson;
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

const fileNameOf = (pathOrKey: string): string => pathOrKey.split('/').pop() ?? pathOrKey;

/** The `source-ref` file names of an output manifest's lines (lines that are no JSON are left to the replay). */
const sourceRefNames = (lines: string[]): string[] =>
  lines.flatMap((line) => {
    try {
      const ref = (JSON.parse(line) as { 'source-ref'?: unknown })['source-ref'];
      return typeof ref === 'string' ? [fileNameOf(ref)] : [];
    } catch {
      return [];
    }
  });

/**
 * The answers' lines; refused when none of them names a file of the folder, since the replay
 * matches an answer to an image by file name alone (the last part of `source-ref`).
 */
const readAnnotationLines = async (annotations: string, folder: string, files: SampleFile[]): Promise<string[]> => {
  const lines = (await readFile(resolve(annotations), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  const names = sourceRefNames(lines);
  const present = new Set(files.map((f) => fileNameOf(f.name)));
  if (names.length > 0 && !names.some((name) => present.has(name))) {
    throw new Error(
      `${annotations} answers none of the images in ${folder}: answers are matched to images by file name ` +
        `(the last part of source-ref, e.g. ${names[0]}; the folder has e.g. ${fileNameOf(files[0]?.name ?? '')})`,
    );
  }
  return lines;
};

/** The folder's own batch.json, as its author wrote it: the run uses it, and never rewrites it. */
export interface OwnBatchJson {
  path: string;
  settings: Record<string, unknown>;
}

const readOwnBatchJson = async (folder: string, files: FolderFile[]): Promise<OwnBatchJson | undefined> => {
  const file = files.find((f) => f.name === 'batch.json');
  if (file === undefined) return undefined;
  const text = (await readFile(file.path, 'utf8')).replace(/^\uFEFF/, '');
  let settings: unknown;
  try {
    settings = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new Error(`${join(folder, 'batch.json')} is not JSON: ${(error as Error).message}`);
  }
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new Error(`${join(folder, 'batch.json')} must be a JSON object (of run options)`);
  }
  return { path: join(folder, 'batch.json'), settings: settings as Record<string, unknown> };
};

const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;

/** The batch folder name: the one its batch.json's example keys name (so they stay under it), else the folder's. */
const batchNameOf = (folder: string, own: OwnBatchJson | undefined): string => {
  const examples = Array.isArray(own?.settings.examples) ? (own.settings.examples as { key?: unknown }[]) : [];
  const named = new Set(
    examples.map((e) => (typeof e.key === 'string' ? /^incoming\/([^/]+)\//.exec(e.key)?.[1] : '')),
  );
  const [only] = named;
  return named.size === 1 && only ? only : slugify(basename(folder)) || 'my-images';
};

const readImages = (files: FolderFile[]): Promise<SampleFile[]> =>
  Promise.all(
    files.map(async ({ name, path }) => ({
      name,
      body: new Uint8Array(await readFile(path)),
      contentType: CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream',
    })),
  );

/** What a folder batch needs besides BatchOptions: whether a person labels (then answers are optional). */
export type PrepareOptions = BatchOptions & { person?: unknown };

const labelsOf = (options: PrepareOptions, own: OwnBatchJson | undefined, lines: string[] | undefined): string[] => {
  const labels = stringList(own?.settings.labels) ?? options.labels ?? labelsFromAnnotations(lines ?? []);
  if (labels.length > 0) return labels;
  throw new Error(
    lines === undefined
      ? 'name the labels to draw: --labels a,b, or "labels" in the folder\'s batch.json'
      : `${options.annotations} names no labels in its class maps; pass --labels`,
  );
};

/** A folder of the user's own images; its batch.json (if any) is the run's, uploaded last as the trigger. */
const prepareFolderBatch = async (options: PrepareOptions & { images: string }): Promise<BatchToUpload> => {
  if (options.annotations === undefined && !options.person) {
    throw new Error(
      '--images needs --annotations <output.manifest> (the simulated labelers replay those answers) or --label (you label the images in the browser)',
    );
  }
  const folder = resolve(options.images);
  // Regular files only: a FIFO would block the read, and a link must not upload files from elsewhere.
  const listing = await listFolder(folder, { skipHidden: true });
  const own = await readOwnBatchJson(folder, listing.files);
  const images = listing.files.filter((f) => f.name !== 'batch.json');
  if (images.length === 0) {
    const skipped = listing.skipped.length === 0 ? '' : ` (${listing.skipped.length} entries skipped)`;
    throw new Error(`${folder} holds no image files${skipped}`);
  }
  const files = await readImages(images);
  const lines =
    options.annotations === undefined ? undefined : await readAnnotationLines(options.annotations, folder, files);
  return {
    name: options.batchName ?? batchNameOf(folder, own),
    files,
    labels: labelsOf(options, own, lines),
    profile: lines === undefined ? {} : { annotationLines: lines },
    skipped: listing.skipped,
    ...(own === undefined ? {} : { own }),
  };
};

export const prepareBatch = async (options: PrepareOptions): Promise<BatchToUpload> => {
  if (options.images !== undefined) return prepareFolderBatch({ ...options, images: options.images });
  const seed = options.seed ?? 1;
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

type S3Target = Pick<LocalEnvironment, 'bucket' | 's3'>;

/**
 * Uploads the files a few at a time, as a user's sync tool would. Every upload has ended (done,
 * failed or aborted) before this returns or throws, so none outlives the run.
 */
const uploadFiles = async (
  env: S3Target,
  prefix: string,
  files: SampleFile[],
  reporter: RunReporter,
  signal?: AbortSignal,
): Promise<void> => {
  const queue = [...files];
  let done = 0;
  const uploads = await Promise.allSettled(
    Array.from({ length: 4 }, async () => {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        signal?.throwIfAborted();
        await env.s3.send(
          new PutObjectCommand({
            Bucket: env.bucket,
            Key: `${prefix}${file.name}`,
            Body: file.body,
            ContentType: file.contentType,
          }),
          { abortSignal: signal },
        );
        done += 1;
        reporter.progress('uploading', done, files.length);
      }
    }),
  );
  const failed = uploads.find((upload) => upload.status === 'rejected');
  if (failed) throw failed.reason;
};

/** batch.json: only run options (execution-input.ts BatchFile); the folder's own file says the last word. */
const batchJsonOf = (batch: BatchToUpload, options: BatchOptions): string =>
  JSON.stringify(
    {
      labels: batch.labels,
      ...(options.workers === undefined ? {} : { workersPerObject: options.workers }),
      ...(options.autoLabeling === undefined ? {} : { autoLabeling: options.autoLabeling }),
      ...(options.train === undefined ? {} : { train: options.train }),
      ...(options.labelingBackend === undefined ? {} : { labelingBackend: options.labelingBackend }),
      ...options.batchJson,
      ...batch.own?.settings,
    },
    null,
    2,
  );

/**
 * Uploads the batch under `incoming/<name>/`, batch.json last (it is the trigger). The signal
 * aborts the uploads in flight; an aborted upload never writes batch.json, so no run starts on
 * half a batch.
 */
export const uploadBatch = async (
  env: S3Target,
  batch: BatchToUpload,
  options: BatchOptions,
  reporter: RunReporter,
  signal?: AbortSignal,
): Promise<{ key: string; size: number; etag: string }> => {
  const prefix = `incoming/${batch.name}/`;
  for (const entry of batch.skipped) reporter.line(`  skipped ${printableName(entry.name)}: ${entry.message}`);
  await uploadFiles(env, prefix, [...batch.files, ...(options.extraFiles ?? [])], reporter, signal);
  const batchFile = batchJsonOf(batch, options);
  const key = `${prefix}batch.json`;
  signal?.throwIfAborted();
  const out = await env.s3.send(
    new PutObjectCommand({ Bucket: env.bucket, Key: key, Body: batchFile, ContentType: 'application/json' }),
    { abortSignal: signal },
  );
  const etag = (out.ETag ?? createHash('md5').update(batchFile).digest('hex')).replace(/"/g, '');
  return { key, size: Buffer.byteLength(batchFile), etag };
};
