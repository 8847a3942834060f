/**
 * Splits a manifest byte stream into JSON records in constant memory. Ground Truth writes JSON
 * Lines, but hand-edited or re-exported manifests may hold pretty-printed records over several
 * lines, so a record ends where its brackets balance, not at every newline.
 */

import { type ManifestRecord, RecordAssembler } from './record-assembler';

export { bracketDelta, type ManifestRecord } from './record-assembler';

export interface LineReaderOptions {
  /**
   * Longest record kept, in characters (default 1 MiB). Ground Truth lines hold ≤ 100,000 chars
   * of input plus the labels (https://docs.aws.amazon.com/sagemaker/latest/dg/input-data-limits.html), so this bounds memory without rejecting real lines.
   */
  maxRecordChars?: number;
}

const DEFAULT_MAX_RECORD_CHARS = 1 << 20;

/** Records per batch: parsed records wait in a batch, so a small one lets them die young. */
const BATCH_RECORDS = 16;

/**
 * Cuts decoded text into physical lines and records, one chunk at a time, synchronously (so a
 * caller pays one await per batch, not per line). Memory holds one chunk plus at most one record
 * of `maxRecordChars`; blank lines are skipped but counted, so `line` matches what an editor shows.
 */
export class ManifestSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly assembler: RecordAssembler;
  private readonly maxChars: number;
  private carry = '';
  /** The chunk being cut, and where its next line starts. */
  private text = '';
  private start = 0;
  /** The carry and the fed chunk's first line, when a line straddled the two chunks. */
  private head: string | undefined;
  private lineNo = 0;
  private skipping = false;

  constructor(options: LineReaderOptions = {}) {
    this.maxChars = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
    this.assembler = new RecordAssembler(this.maxChars);
  }

  /** Feeds one chunk; returns the records it completed. */
  push(chunk: Uint8Array | string): ManifestRecord[] {
    const out: ManifestRecord[] = [];
    this.feed(chunk);
    this.next(out, Number.POSITIVE_INFINITY);
    return out;
  }

  /** Takes one chunk, to be cut by `next`; the previous one must be used up. */
  feed(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    // The carry joins only the chunk's first line: `carry + text` would copy the whole chunk.
    const first = this.carry === '' ? -1 : text.indexOf('\n');
    if (this.carry === '') this.text = text;
    else if (first === -1) this.text = this.carry + text;
    else {
      this.head = this.carry + text.slice(0, first);
      this.text = text;
      this.start = first + 1;
      this.carry = '';
      return;
    }
    this.carry = '';
    this.start = 0;
  }

  /**
   * Adds the records of the fed chunk to `out` until it holds `max` or the chunk is used up;
   * returns whether lines are left. Parsing only as many as the caller takes keeps few parsed
   * records alive at once, so fewer survive a scavenge.
   */
  next(out: ManifestRecord[], max: number): boolean {
    if (this.head !== undefined) {
      this.lineNo += 1;
      this.takeLine(this.head, out);
      this.head = undefined;
      if (out.length >= max) return true;
    }
    const text = this.text;
    let start = this.start;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      this.lineNo += 1;
      this.takeLine(text.slice(start, end), out);
      start = end + 1;
      if (out.length >= max) {
        this.start = start;
        return true;
      }
    }
    this.carry = text.slice(start);
    this.text = '';
    this.start = 0;
    if (!this.skipping && this.carry.length > this.maxChars) {
      // One line longer than any real record: report where it starts, skip to the next newline.
      out.push({ line: this.lineNo + 1, text: this.carry.slice(0, 200), oversized: true });
      this.skipping = true;
    }
    if (this.skipping) this.carry = '';
    return false;
  }

  /** Ends the input; returns the records still pending. */
  end(): ManifestRecord[] {
    const out: ManifestRecord[] = [];
    const rest = this.carry + this.decoder.decode();
    if (!this.skipping && rest !== '') {
      this.lineNo += 1;
      this.take(rest, out);
    }
    for (const record of this.assembler.finish()) out.push(record);
    return out;
  }

  private takeLine(raw: string, out: ManifestRecord[]): void {
    if (this.skipping) this.skipping = false;
    else this.take(raw, out);
  }

  private take(raw: string, out: ManifestRecord[]): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.length > this.maxChars) {
      out.push({ line: this.lineNo, text: text.slice(0, 200), oversized: true });
      return;
    }
    this.assembler.take({ line: this.lineNo, text }, out);
  }
}

/** Reads manifest records in small batches from an S3 body or a file stream. */
export async function* readManifestBatches(
  chunks: AsyncIterable<Uint8Array | string>,
  options: LineReaderOptions = {},
): AsyncGenerator<ManifestRecord[]> {
  const splitter = new ManifestSplitter(options);
  for await (const chunk of chunks) {
    splitter.feed(chunk);
    for (let more = true; more; ) {
      const records: ManifestRecord[] = [];
      more = splitter.next(records, BATCH_RECORDS);
      if (records.length > 0) yield records;
    }
  }
  const rest = splitter.end();
  if (rest.length > 0) yield rest;
}

/** Reads manifest records one by one (see `ManifestSplitter`). */
export async function* readManifestRecords(
  chunks: AsyncIterable<Uint8Array | string>,
  options: LineReaderOptions = {},
): AsyncGenerator<ManifestRecord> {
  for await (const batch of readManifestBatches(chunks, options)) yield* batch;
}
