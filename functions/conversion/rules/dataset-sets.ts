import { ManifestReason } from '../../kernel/rules/reason-codes';
import type { DatasetReportBuilder } from './dataset-report';
import { datasetLineFromJson } from './normalize-line';
import { Assignment } from './split';
import { routeSpooledChunk } from './spooled-lines';

/**
 * The conversion's second pass and its ports: the spool of accepted lines, replayed into the
 * train and test sinks as the split assigned them (see `dataset-conversion.ts`).
 */

/** Where converted lines go: a file, or an S3 multipart upload. `write` may ask the caller to wait. */
export interface LineSink {
  write(text: string): undefined | Promise<void>;
  /** UTF-8 bytes of whole lines, newlines included; a sink that has it lets pass 2 copy bytes. */
  writeBytes?(bytes: Uint8Array): undefined | Promise<void>;
  close(): Promise<void>;
  abort(error: unknown): void;
}

/** Scratch storage for the accepted lines between the two passes (a temp file in practice). */
export interface LineSpool {
  append(text: string): undefined | Promise<void>;
  /** `append(\`${line}\t${text}\`)` without building that string: a byte spool writes the number's digits itself. */
  appendNumbered?(line: number, text: string): undefined | Promise<void>;
  /** The appended lines, in order, each without its newline; may be replayed more than once. */
  replay(): AsyncIterable<string>;
  /** Forgets every line, for a fresh first pass. */
  clear(): Promise<void>;
  /**
   * The same lines as UTF-8 chunks that each end at a newline, every line prefixed as appended.
   * A spool that has it spares pass 2 decoding and re-encoding each line (see `routeSpooledChunk`).
   */
  replayBytes?(): AsyncIterable<Buffer>;
}

export interface ConversionPorts {
  spool: LineSpool;
  /** Called once, only when at least one line is accepted. */
  openSinks(): { train: LineSink; test: LineSink };
}

/** What reporting a duplicate needs of pass 1: the attribute the lines were written under, and the report. */
interface DuplicateReporting {
  attribute: string;
  readonly builder: DatasetReportBuilder;
}

/** Reports a spooled line (`<input line>\t<json>`) whose image an earlier line has, and un-counts it. */
const reportDuplicate = (state: DuplicateReporting, spooled: string): void => {
  const tab = spooled.indexOf('\t');
  const line = datasetLineFromJson(spooled.slice(tab + 1), state.attribute);
  state.builder.addLine(line, -1);
  state.builder.reject({
    line: Number(spooled.slice(0, tab)),
    sourceRef: line.sourceRef,
    code: ManifestReason.DUPLICATE_IMAGE,
    message: 'the image already has a line earlier in the manifest',
  });
};

/** Pass 2 line by line, for ports that handle text only. */
const copyLines = async (
  spool: LineSpool,
  sinks: { train: LineSink; test: LineSink },
  state: DuplicateReporting,
  assignment: Uint8Array,
): Promise<void> => {
  let i = 0;
  for await (const spooled of spool.replay()) {
    const where = assignment[i];
    if (where === Assignment.DUPLICATE) reportDuplicate(state, spooled);
    else {
      const text = spooled.slice(spooled.indexOf('\t') + 1);
      const pending = (where === Assignment.TEST ? sinks.test : sinks.train).write(`${text}\n`);
      if (pending) await pending;
    }
    i += 1;
  }
};

/** Pass 2 a chunk at a time, as bytes: each line is copied without being decoded again. */
const copyBytes = async (
  chunks: AsyncIterable<Buffer>,
  sinks: { train: LineSink; test: LineSink },
  state: DuplicateReporting,
  assignment: Uint8Array,
): Promise<void> => {
  let i = 0;
  for await (const chunk of chunks) {
    const routed = routeSpooledChunk(chunk, assignment, i, (spooled) => reportDuplicate(state, spooled));
    i += routed.lines;
    for (const [bytes, sink] of [
      [routed.train, sinks.train],
      [routed.test, sinks.test],
    ] as const) {
      const pending = bytes.length > 0 ? sink.writeBytes?.(bytes) : undefined;
      if (pending) await pending;
    }
  }
};

/** Pass 2: copy each spooled line to its set; a duplicate image is reported and un-counted. */
export const writeSets = async (
  ports: ConversionPorts,
  state: DuplicateReporting,
  assignment: Uint8Array,
): Promise<void> => {
  const { train, test } = ports.openSinks();
  try {
    const bytes = train.writeBytes && test.writeBytes ? ports.spool.replayBytes?.() : undefined;
    if (bytes) await copyBytes(bytes, { train, test }, state, assignment);
    else await copyLines(ports.spool, { train, test }, state, assignment);
    await Promise.all([train.close(), test.close()]);
  } catch (error) {
    train.abort(error);
    test.abort(error);
    throw error;
  }
};

/** Bytes of the train and test manifests the plan would write (a dry replay of the spool). */
export const setBytes = async (spool: LineSpool, assignment: Uint8Array): Promise<{ train: number; test: number }> => {
  const bytes = { train: 0, test: 0 };
  let i = 0;
  for await (const spooled of spool.replay()) {
    const where = assignment[i];
    const size = Buffer.byteLength(spooled) - spooled.indexOf('\t');
    if (where === Assignment.TRAIN) bytes.train += size;
    else if (where === Assignment.TEST) bytes.test += size;
    i += 1;
  }
  return bytes;
};
