import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import type { ImageReason } from '../../functions/kernel/rules/reason-codes';
import { inspectBatch, isBatchObject, mapConcurrent } from '../../functions/validation/rules/batch-inspection';
import { compareKeys, type Fingerprint } from '../../functions/validation/rules/duplicates';
import type { ImageFormat } from '../../functions/validation/rules/image-header';
import { buildVerdicts } from '../../functions/validation/rules/validation-report';

/** One line of `validate-images --json`. */
export interface ImageRow {
  file: string;
  ok: boolean;
  format: ImageFormat | null;
  width: number | null;
  height: number | null;
  bytes: number;
  codes: ImageReason[];
}

const CONCURRENCY = 16;

const readPart = async (path: string, start: number, end: number): Promise<Uint8Array> => {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
};

const md5 = (path: string): Promise<string> =>
  new Promise((done, fail) => {
    const hash = createHash('md5');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', fail)
      .on('end', () => done(hash.digest('hex')));
  });

/** Every file under `root` (recursively) as a slash-separated relative path, with its size. */
const listFiles = async (root: string): Promise<Fingerprint[]> => {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
  return mapConcurrent(files, CONCURRENCY, async (key) => ({ key, size: (await stat(join(root, key))).size }));
};

/**
 * The MD5 of each file that shares its size with another: what S3 reports as the ETag of a
 * single-part upload, so duplicates are found exactly as the pipeline finds them in S3.
 */
const withContentHashes = async (root: string, files: Fingerprint[]): Promise<Fingerprint[]> => {
  const sizes = new Map<number, number>();
  for (const f of files) sizes.set(f.size, (sizes.get(f.size) ?? 0) + 1);
  return mapConcurrent(files, CONCURRENCY, async (f) =>
    f.size > 0 && (sizes.get(f.size) ?? 0) > 1 ? { ...f, etag: await md5(join(root, f.key)) } : f,
  );
};

/**
 * Applies the pipeline's image checks (the same domain code as ValidateImages) to the files of a
 * local folder, `batch.json` at its root excepted. Throws when the folder does not exist.
 */
export const validateFolder = async (folder: string): Promise<ImageRow[]> => {
  const root = resolve(folder);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`folder not found: ${folder}`);
  const files = (await listFiles(root)).filter((f) => isBatchObject('', f.key));
  const hashed = await withContentHashes(root, files);
  const { objects } = await inspectBatch(
    hashed,
    (key, start, end) => readPart(join(root, key), start, end),
    CONCURRENCY,
  );
  return buildVerdicts(objects)
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((v) => ({
      file: v.key,
      ok: v.verdict === 'accepted',
      format: v.format,
      width: v.width,
      height: v.height,
      bytes: v.bytes,
      codes: v.reasons.map((r) => r.code),
    }));
};

/** A plain-text table with a totals line, for people. */
export const formatTable = (rows: readonly ImageRow[]): string => {
  const header = ['FILE', 'RESULT', 'FORMAT', 'PIXELS', 'BYTES', 'REASONS'];
  const cells = rows.map((r) => [
    r.file,
    r.ok ? 'ok' : 'rejected',
    r.format ?? '-',
    r.width === null || r.height === null ? '-' : `${r.width}x${r.height}`,
    String(r.bytes),
    r.codes.join(',') || '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const accepted = rows.filter((r) => r.ok).length;
  const totals = `${rows.length} files: ${accepted} accepted, ${rows.length - accepted} rejected`;
  return [line(header), ...cells.map(line), '', totals].join('\n');
};

export const registerValidateImages = (program: Command): void => {
  program
    .command('validate-images')
    .description('Check local images with the pipeline rules (JPEG/PNG by content, 64-4096 px, ≤15 MB, ≤20:1)')
    .argument('<folder>', 'folder of images, searched recursively')
    .option('--json', 'print a JSON array instead of a table')
    .action(async (folder: string, options: { json?: boolean }) => {
      const rows = await validateFolder(folder);
      process.stdout.write(`${options.json ? JSON.stringify(rows, null, 2) : formatTable(rows)}\n`);
    });
};
