import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { plural } from '../../functions/kernel/rules/plural';
import type { ImageReason } from '../../functions/kernel/rules/reason-codes';
import { inspectBatch, isBatchObject, mapConcurrent } from '../../functions/validation/rules/batch-inspection';
import { compareKeys, type Fingerprint } from '../../functions/validation/rules/duplicates';
import type { ImageFormat } from '../../functions/validation/rules/image-header';
import { buildVerdicts } from '../../functions/validation/rules/validation-report';
import { type FolderFile, listFolder, printableName, type SkipReason } from '../../local-runtime/run/local-folder';

/** One line of `validate-images --json`: a checked file, or an entry that is not a file to check. */
export interface ImageRow {
  file: string;
  ok: boolean;
  format: ImageFormat | null;
  /** As displayed, with the EXIF orientation applied. */
  width: number | null;
  height: number | null;
  /** EXIF orientation 1–8; null when the header could not be read. */
  orientation: number | null;
  bytes: number;
  /** Reason codes of a rejected file, or the one skip reason of a skipped entry. */
  codes: (ImageReason | SkipReason)[];
  /** The same reasons with what each found in this file (e.g. "identical to a.jpg (same ETag and size)"). */
  reasons: { code: ImageReason | SkipReason; message: string }[];
  /** For a DUPLICATE: the file it is a copy of, which is kept. */
  duplicateOf?: string;
  /** Present for a symbolic link, FIFO or other entry that was not checked: why. */
  skipped?: string;
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

/**
 * The MD5 of each file that shares its size with another: what S3 reports as the ETag of a
 * single-part upload, so duplicates are found exactly as the pipeline finds them in S3.
 */
const withContentHashes = async (files: readonly FolderFile[]): Promise<Fingerprint[]> => {
  const sizes = new Map<number, number>();
  for (const f of files) sizes.set(f.size, (sizes.get(f.size) ?? 0) + 1);
  return mapConcurrent(files, CONCURRENCY, async ({ name: key, path, size }) =>
    size > 0 && (sizes.get(size) ?? 0) > 1 ? { key, size, etag: await md5(path) } : { key, size },
  );
};

/**
 * Applies the pipeline's image checks (the same domain code as ValidateImages) to the files of a
 * local folder, `batch.json` at its root excepted; symbolic links, FIFOs and other entries that
 * are not files to check come back as skipped rows (see local-runtime/run/local-folder.ts). Throws
 * when the folder does not exist.
 */
export const validateFolder = async (folder: string): Promise<ImageRow[]> => {
  const root = resolve(folder);
  const info = await stat(root).catch(() => undefined);
  if (info === undefined) throw new Error(`folder not found: ${folder}`);
  if (!info.isDirectory()) {
    throw new Error(
      `${folder} is a file, not a folder: pass the folder of images (validate-images checks every image in it)`,
    );
  }
  const listing = await listFolder(root);
  const files = listing.files.filter((f) => isBatchObject('', f.name));
  const paths = new Map(files.map((f) => [f.name, f.path]));
  const pathOf = (key: string) => paths.get(key) ?? '';
  const { objects } = await inspectBatch(
    await withContentHashes(files),
    (key, start, end) => readPart(pathOf(key), start, end),
    CONCURRENCY,
  );
  const checked: ImageRow[] = buildVerdicts(objects).map((v) => ({
    file: v.key,
    ok: v.verdict === 'accepted',
    format: v.format,
    width: v.width,
    height: v.height,
    orientation: v.orientation ?? null,
    bytes: v.bytes,
    codes: v.reasons.map((r) => r.code),
    reasons: v.reasons.map(({ code, message }) => ({ code, message })),
    ...(v.duplicateOf === undefined ? {} : { duplicateOf: v.duplicateOf }),
  }));
  const skipped: ImageRow[] = listing.skipped.map((s) => ({
    file: s.name,
    ok: false,
    format: null,
    width: null,
    height: null,
    orientation: null,
    bytes: 0,
    codes: [s.reason],
    reasons: [{ code: s.reason, message: s.message }],
    skipped: s.message,
  }));
  return [...checked, ...skipped].sort((a, b) => compareKeys(a.file, b.file));
};

const pixels = (r: ImageRow): string => {
  if (r.width === null || r.height === null) return '-';
  // Say when the displayed size is not the stored one, so a reader is not surprised by it.
  return r.orientation !== null && r.orientation !== 1
    ? `${r.width}x${r.height} (EXIF ${r.orientation})`
    : `${r.width}x${r.height}`;
};

/** A plain-text table with a totals line, for people. File names are escaped to stay on their row. */
export const formatTable = (rows: readonly ImageRow[]): string => {
  const header = ['FILE', 'RESULT', 'FORMAT', 'PIXELS', 'BYTES', 'REASONS'];
  const cells = rows.map((r) => [
    printableName(r.file),
    r.skipped !== undefined ? 'skipped' : r.ok ? 'ok' : 'rejected',
    r.format ?? '-',
    pixels(r),
    r.skipped !== undefined ? '-' : String(r.bytes),
    r.skipped !== undefined ? `${r.codes.join(',')}: ${r.skipped}` : r.codes.join(',') || '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const accepted = rows.filter((r) => r.ok).length;
  const skipped = rows.filter((r) => r.skipped !== undefined).length;
  const checked = rows.length - skipped;
  const totals =
    `${plural(checked, 'file')}: ${accepted} accepted, ${checked - accepted} rejected` +
    (skipped === 0 ? '' : `; ${skipped} skipped (not regular files in the folder)`);
  return [line(header), ...cells.map(line), '', totals].join('\n');
};

export const registerValidateImages = (program: Command): void => {
  program
    .command('validate-images')
    .description(
      'Check local images with the pipeline rules (JPEG/PNG by content and complete to their end marker, ' +
        '64-4096 px as displayed after EXIF orientation, ≤15 MB, ≤20:1)',
    )
    .argument(
      '<folder>',
      'folder of images, searched recursively; symbolic links are followed only to files inside it, ' +
        'and links, FIFOs and devices that are not are listed as skipped',
    )
    .option('--json', 'print a JSON array instead of a table')
    .addHelpText(
      'after',
      '\nReason codes: UNSUPPORTED_FORMAT, CORRUPT_IMAGE (a bad marker or header, or a PNG chunk failing its CRC),\n' +
        'TRUNCATED_IMAGE (no JPEG end marker FF D9 or PNG IEND chunk at the end: the file was cut short), TOO_SMALL,\n' +
        'TOO_LARGE, FILE_TOO_LARGE, ASPECT_RATIO, EMPTY_FILE, DUPLICATE. Skipped entries: SYMLINK_OUTSIDE_FOLDER,\n' +
        'SYMLINK_TO_FOLDER, BROKEN_SYMLINK, NOT_A_REGULAR_FILE (FIFO, socket, device), UNREADABLE. Exits 0 whatever the verdicts.',
    )
    .action(async (folder: string, options: { json?: boolean }) => {
      const rows = await validateFolder(folder);
      process.stdout.write(`${options.json ? JSON.stringify(rows, null, 2) : formatTable(rows)}\n`);
    });
};
