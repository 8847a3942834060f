import type { LineSink } from './dataset-conversion';

/**
 * Where an export writes: a local folder (the CLI) or a run's S3 folder (PostProcess). Paths are
 * relative, `/`-separated and already safe (see `imagePathOf`).
 */
export interface ExportTarget {
  /** Writes one small file: a label file, an annotation XML, data.yaml. */
  writeFile(path: string, text: string): Promise<void>;
  /** Opens a large file written in pieces: COCO's JSON, YOLO's image lists. */
  openFile(path: string): LineSink;
}

const S3_SCHEME = 's3://';

/** One key segment as a path segment: `%`, `\` and control characters percent-encoded, `.`/`..`/empty spelled out. */
const safeSegment = (segment: string): string => {
  if (segment === '') return '%2F';
  if (segment === '.' || segment === '..') return segment.replaceAll('.', '%2E');
  return segment.replace(/[%\\\p{Cc}]/gu, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
};

/**
 * The relative path of an image in an export: `<bucket>/<key>`, each segment made safe, so a key
 * like `a/../../x.jpg` can never reach outside the export's folder and two keys never share a path
 * (`%` is always encoded, so every `%XX` comes from this function). Images stay where they are:
 * the export names them by this path, for a copy made with `aws s3 sync s3://<bucket> <dir>/<bucket>`.
 */
export const imagePathOf = (sourceRef: string): string => {
  const rest = sourceRef.startsWith(S3_SCHEME) ? sourceRef.slice(S3_SCHEME.length) : sourceRef;
  return rest.split('/').map(safeSegment).join('/');
};

/** `imagePathOf` without the file's extension: what YOLO and VOC name an image's label file after. */
export const stemPathOf = (sourceRef: string): string => {
  const path = imagePathOf(sourceRef);
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? path.slice(0, dot) : path;
};

/** Writes at most `limit` small files at once, so a 250,000-image export holds a few in flight. */
export class BoundedWrites {
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown;

  constructor(private readonly limit = 16) {}

  /** Starts a write; waits while `limit` are in flight. A failed write fails the next `add` or `drain`. */
  async add(write: () => Promise<void>): Promise<void> {
    this.check();
    const task: Promise<void> = write().then(
      () => {
        this.pending.delete(task);
      },
      (error: unknown) => {
        this.pending.delete(task);
        this.failure ??= error;
      },
    );
    this.pending.add(task);
    if (this.pending.size >= this.limit) await Promise.race(this.pending);
    this.check();
  }

  async drain(): Promise<void> {
    await Promise.all(this.pending);
    this.check();
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/** Writes text to a sink, waiting when it asks to. */
export const writeTo = async (sink: LineSink, text: string): Promise<void> => {
  const pending = sink.write(text);
  if (pending) await pending;
};
