import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * Lists a local folder of images the way `validate-images` and `local --images` read it: regular
 * files only, recursively. Everything else is listed as skipped with a reason, never dropped in
 * silence. A symbolic link is followed only to a regular file inside the folder, so a link can
 * neither pull in files from elsewhere on the machine nor stall the run on a FIFO or a device.
 */

export const SkipReason = {
  /** A symbolic link whose target lies outside the folder. */
  SYMLINK_OUTSIDE_FOLDER: 'SYMLINK_OUTSIDE_FOLDER',
  /** A symbolic link to a folder: not followed (the folder itself is searched where it lies). */
  SYMLINK_TO_FOLDER: 'SYMLINK_TO_FOLDER',
  /** A symbolic link whose target does not exist. */
  BROKEN_SYMLINK: 'BROKEN_SYMLINK',
  /** A FIFO, socket or device (directly or through a link). */
  NOT_A_REGULAR_FILE: 'NOT_A_REGULAR_FILE',
  /** A name starting with a dot (`.DS_Store`), left out of local runs. */
  HIDDEN_FILE: 'HIDDEN_FILE',
  /** The entry could not be examined (removed meanwhile, or no permission). */
  UNREADABLE: 'UNREADABLE',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

export interface FolderFile {
  /** Path relative to the folder, with `/` separators: the S3 key below the batch prefix. */
  name: string;
  /** Where to read it: the file itself, or the real path a link inside the folder points to. */
  path: string;
  size: number;
}

export interface SkippedEntry {
  name: string;
  reason: SkipReason;
  message: string;
}

export interface FolderListing {
  files: FolderFile[];
  skipped: SkippedEntry[];
}

interface EntryKind {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isBlockDevice(): boolean;
  isCharacterDevice(): boolean;
}

const kindOf = (entry: EntryKind): string =>
  entry.isFIFO()
    ? 'a named pipe (FIFO)'
    : entry.isSocket()
      ? 'a socket'
      : entry.isBlockDevice() || entry.isCharacterDevice()
        ? 'a device'
        : 'not a regular file';

const isInside = (root: string, path: string): boolean => path.startsWith(`${root}${sep}`);

type Classified = FolderFile | SkippedEntry;

const skip = (name: string, reason: SkipReason, message: string): SkippedEntry => ({ name, reason, message });

/** Follows one symbolic link: kept only when it ends at a regular file inside `realRoot`. */
const followLink = async (realRoot: string, name: string, path: string): Promise<Classified> => {
  const target = await realpath(path).catch(() => undefined);
  if (target === undefined) return skip(name, SkipReason.BROKEN_SYMLINK, 'symbolic link to nothing (broken link)');
  if (!isInside(realRoot, target)) {
    return skip(name, SkipReason.SYMLINK_OUTSIDE_FOLDER, 'symbolic link to a file outside the folder (not followed)');
  }
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) return skip(name, SkipReason.UNREADABLE, 'the link target could not be examined');
  if (info.isDirectory()) return skip(name, SkipReason.SYMLINK_TO_FOLDER, 'symbolic link to a folder (not followed)');
  if (!info.isFile()) return skip(name, SkipReason.NOT_A_REGULAR_FILE, `symbolic link to ${kindOf(info)}`);
  return { name, path: target, size: info.size };
};

const classify = async (realRoot: string, name: string, path: string, hidden: boolean): Promise<Classified> => {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return skip(name, SkipReason.UNREADABLE, 'could not be examined (removed meanwhile?)');
  if (hidden) return skip(name, SkipReason.HIDDEN_FILE, 'hidden file (the name starts with a dot)');
  if (info.isSymbolicLink()) return followLink(realRoot, name, path);
  if (!info.isFile()) return skip(name, SkipReason.NOT_A_REGULAR_FILE, `${kindOf(info)}, not an image file`);
  return { name, path, size: info.size };
};

/**
 * Lists `folder` recursively (folders themselves are neither files nor skipped). With
 * `skipHidden`, names starting with a dot are skipped too (what a local run uploads).
 */
export const listFolder = async (folder: string, options: { skipHidden?: boolean } = {}): Promise<FolderListing> => {
  const realRoot = await realpath(folder);
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const candidates = entries
    .filter((e) => !e.isDirectory())
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { path, name: relative(folder, path).split(sep).join('/'), hidden: e.name.startsWith('.') };
    });
  const classified = await Promise.all(
    candidates.map((c) => classify(realRoot, c.name, c.path, options.skipHidden === true && c.hidden)),
  );
  const files: FolderFile[] = [];
  const skipped: SkippedEntry[] = [];
  for (const entry of classified) {
    if ('reason' in entry) skipped.push(entry);
    else files.push(entry);
  }
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { files: files.sort(byName), skipped: skipped.sort(byName) };
};

/**
 * A file name fit for one line of a table or log: control characters (a newline above all),
 * Unicode line separators and the backslash itself are written as escapes, so every name reads
 * back unambiguously and can never break a row.
 */
export const printableName = (name: string): string => {
  const named: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  let out = '';
  for (const c of name) {
    const code = c.codePointAt(0) ?? 0;
    const control = code < 0x20 || code === 0x7f || code === 0x85 || code === 0x2028 || code === 0x2029;
    out += named[c] ?? (control ? `\\u${code.toString(16).padStart(4, '0')}` : c);
  }
  return out;
};
