/** `incoming/<batch>/batch.json`, one folder deep; the only key that starts a run (design: S3 layout). */
const BATCH_FILE = /^incoming\/([^/]+)\/batch\.json$/;

/** The batch folder prefix for a batch.json key, or `undefined` for any other key. */
export const batchPrefixOf = (key: string): string | undefined => {
  const match = BATCH_FILE.exec(key);
  return match ? `incoming/${match[1]}/` : undefined;
};

/**
 * The key as uploaded. The EventBridge docs do not say whether `detail.object.key` is
 * URL-encoded (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html); S3's other notifications encode it form-style. Callers try the
 * raw key first, then this decoded one.
 */
export const formDecodedKey = (key: string): string | undefined => {
  try {
    const decoded = decodeURIComponent(key.replace(/\+/g, ' '));
    return decoded === key ? undefined : decoded;
  } catch {
    return undefined;
  }
};
