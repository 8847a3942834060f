/** An object's identity as S3 lists it: no byte of its content needs to be read. */
export interface Fingerprint {
  key: string;
  size: number;
  /** The S3 ETag (quotes optional), or the content MD5 in hex for a local file. */
  etag?: string;
}

const utf8 = new TextEncoder();

/** Orders keys by their UTF-8 bytes, the order in which S3 lists them. */
export const compareKeys = (a: string, b: string): number => Buffer.compare(utf8.encode(a), utf8.encode(b));

/** Same size and ETag (quotes and case ignored): same content. Empty or ETag-less objects have none. */
export const contentIdentity = (size: number, etag: string | undefined): string | undefined =>
  size === 0 || etag === undefined || etag === '' ? undefined : `${size}:${etag.replaceAll('"', '').toLowerCase()}`;

/**
 * Finds exact duplicates within a batch without downloading any image: two objects are the same
 * when their ETag and size match. The first key in S3 listing order is the original; every later
 * one maps to it. Empty objects are left out (they are rejected as EMPTY_FILE anyway).
 *
 * Limitation: the ETag of a single-part upload is the MD5 of the content, so identical content
 * uploaded in one part always matches. A multipart ETag is the MD5 of the part MD5s plus `-<parts>`,
 * so identical content uploaded with different part sizes (or once single-part, once multipart) is
 * not detected. Images ≤15 MB are almost always uploaded in one part, so this misses little.
 */
export const findDuplicates = (objects: readonly Fingerprint[]): Map<string, string> => {
  const originals = new Map<string, string>();
  const duplicates = new Map<string, string>();
  const ordered = [...objects].sort((a, b) => compareKeys(a.key, b.key));
  for (const { key, size, etag } of ordered) {
    const identity = contentIdentity(size, etag);
    if (identity === undefined) continue;
    const original = originals.get(identity);
    if (original === undefined) originals.set(identity, key);
    else duplicates.set(key, original);
  }
  return duplicates;
};
