/**
 * Assembles physical lines of a manifest into JSON records: a record ends where its brackets
 * balance, so pretty-printed records over several lines read as one (see `line-reader.ts`).
 */

/** One JSON record of a manifest and where it starts (1-based physical line number). */
export interface ManifestRecord {
  line: number;
  text: string;
  /** The parsed JSON object, when the reader already parsed it (compact lines). */
  value?: unknown;
  /** The record exceeded `maxRecordChars`; `text` holds only its beginning. */
  oversized?: true;
}

const OPEN_CURLY = 0x7b;
const CLOSE_CURLY = 0x7d;
const OPEN_SQUARE = 0x5b;
const CLOSE_SQUARE = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** How each bracket moves the depth; every other character leaves it. */
const DEPTH_CHANGE = new Int8Array(128);
DEPTH_CHANGE[OPEN_CURLY] = 1;
DEPTH_CHANGE[OPEN_SQUARE] = 1;
DEPTH_CHANGE[CLOSE_CURLY] = -1;
DEPTH_CHANGE[CLOSE_SQUARE] = -1;

/** The index of the quote closing a JSON string that starts at `from`, or the text's length when it never closes. */
const stringEnd = (text: string, from: number): number => {
  for (let i = from; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 1;
    else if (c === QUOTE) return i;
  }
  return text.length;
};

/** Net bracket depth of one physical line, ignoring brackets inside JSON strings. */
export const bracketDelta = (text: string): number => {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i + 1);
    else if (c < 128) depth += DEPTH_CHANGE[c] as number;
  }
  return depth;
};

/** Parses a line that is a whole JSON object; `undefined` otherwise (most lines are, so try first). */
const tryParse = (text: string): unknown => {
  const first = text.trimStart().charCodeAt(0);
  if (first !== OPEN_CURLY) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

interface PhysicalLine {
  line: number;
  text: string;
}

/**
 * Joins physical lines into records. A record that never balances (a truncated line) is given
 * up when it grows past the limit, at the end of input, or when a new compact record starts
 * (`{"source-ref"`): its first line is emitted alone (the parser rejects it) and the lines after
 * it are read again, so one broken line never swallows the good ones that follow.
 */
export class RecordAssembler {
  private parts: PhysicalLine[] = [];
  private depth = 0;
  private chars = 0;
  private readonly replay: PhysicalLine[] = [];

  constructor(private readonly maxChars: number) {}

  /**
   * Adds the records `line` completes to `out`. A compact record while nothing is pending (nearly
   * every line) is taken here without a generator, which cost more per line than the split itself.
   */
  take(line: PhysicalLine, out: ManifestRecord[]): void {
    if (this.parts.length === 0) {
      const value = tryParse(line.text);
      if (value !== undefined) {
        out.push({ line: line.line, text: line.text, value });
        return;
      }
    }
    for (const record of this.push(line)) out.push(record);
  }

  private *push(line: PhysicalLine): Generator<ManifestRecord> {
    this.replay.push(line);
    while (this.replay.length > 0) {
      const next = this.replay.shift();
      if (next !== undefined) yield* this.step(next);
    }
  }

  *finish(): Generator<ManifestRecord> {
    while (this.parts.length > 0) {
      yield this.giveUp();
      while (this.replay.length > 0) {
        const next = this.replay.shift();
        if (next !== undefined) yield* this.step(next);
      }
    }
  }

  private *step(line: PhysicalLine): Generator<ManifestRecord> {
    if (this.parts.length === 0) {
      const value = tryParse(line.text);
      if (value !== undefined) {
        yield { line: line.line, text: line.text, value };
        return;
      }
      if (line.text.trim() === '') return;
      const depth = bracketDelta(line.text);
      if (depth <= 0) {
        yield { line: line.line, text: line.text };
        return;
      }
      this.parts = [line];
      this.depth = depth;
      this.chars = line.text.length;
      return;
    }
    if (line.text.trimStart().startsWith('{"source-ref"')) {
      this.replay.unshift(line);
      yield this.giveUp();
      return;
    }
    this.parts.push(line);
    this.depth += bracketDelta(line.text);
    this.chars += line.text.length + 1;
    if (this.depth <= 0) {
      const first = this.parts[0]?.line ?? line.line;
      const text = this.parts.map((p) => p.text).join('\n');
      this.parts = [];
      yield { line: first, text };
    } else if (this.chars > this.maxChars) {
      yield this.giveUp();
    }
  }

  /** Emits the first pending line on its own and queues the rest to be read again. */
  private giveUp(): ManifestRecord {
    const [first, ...rest] = this.parts;
    this.parts = [];
    this.replay.unshift(...rest);
    return { line: first?.line ?? 0, text: first?.text ?? '' };
  }
}
