import { ManifestReason } from '../../kernel/rules/reason-codes';
import type { DatasetReport } from '../contracts/dataset-report';
import { type DatasetBlocker, datasetBlockers } from './dataset-limits';
import { DatasetReportBuilder, type ReportContext } from './dataset-report';
import { LabelRegistry } from './label-registry';
import type { ManifestRecord } from './line-reader';
import { datasetLineFromJson, formatDatasetLine, type NormalizeOptions, normalizeLine } from './normalize-line';
import { type LineIdentity, parseOutputRecord } from './output-manifest';
import { type DatasetLimits, datasetLimits } from './rekognition-rules';
import { Assignment, hashSourceRef, planSplit, SplitIndex, type SplitPlan } from './split';
import { routeSpooledChunk } from './spooled-lines';

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

/**
 * Opens the input, as record batches from `readManifestBatches`. Called once, or twice when the
 * label attribute or bucket of the first lines turns out not to be the majority's.
 */
export type ManifestSource = () => AsyncIterable<readonly ManifestRecord[]>;

export interface ConversionPorts {
  spool: LineSpool;
  /** Called once, only when at least one line is accepted. */
  openSinks(): { train: LineSink; test: LineSink };
}

export interface ConversionOptions extends Omit<ReportContext, 'labelAttributeName' | 'bucket'> {
  /** The label attribute; when absent, the one most labeled lines use. */
  labelAttributeName?: string;
  /** The bucket every image must be in; when absent, the one most labeled lines' images are in. */
  expectedBucket?: string;
  /** The run's labels in Ground Truth's order: they keep their class ids. */
  labels?: readonly string[];
  rejectedListLimit?: number;
  /** Write the manifests even when the test set is empty (default: refuse, Rekognition needs one). */
  allowEmptyTest?: boolean;
  /** Rekognition's limits to stay within (default: those of most regions). */
  limits?: DatasetLimits;
}

interface PassOneState {
  attribute?: string;
  bucket?: string;
  readonly registry: LabelRegistry;
  readonly index: SplitIndex;
  readonly builder: DatasetReportBuilder;
  /** Labeled lines per label attribute and bucket: what the majority is decided from. */
  readonly identities: Map<string, Map<string, number>>;
  /** UTF-16 units of the converted lines, newlines included: train plus test hold 1–3 bytes per unit. */
  chars: number;
  /** Reused for each kept line's label ids. */
  readonly labelIds: number[];
}

const tally = (identities: PassOneState['identities'], { attribute, bucket }: LineIdentity = {}): void => {
  if (attribute === undefined || bucket === undefined) return;
  let buckets = identities.get(attribute);
  if (buckets === undefined) {
    buckets = new Map<string, number>();
    identities.set(attribute, buckets);
  }
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
};

/** The key with the highest count; the first seen wins a tie, so the choice is deterministic. */
const majority = (counts: ReadonlyMap<string, number>): string | undefined => {
  let best: string | undefined;
  let most = 0;
  for (const [key, count] of counts) {
    if (count > most) [best, most] = [key, count];
  }
  return best;
};

/** Pass 1 for one record: parse, apply the rules, spool what is kept, note what the split needs. */
const takeRecord = (
  record: ManifestRecord,
  state: PassOneState,
  ports: ConversionPorts,
  normalizeOptions: NormalizeOptions,
): undefined | Promise<void> => {
  const { builder } = state;
  builder.countRecord();
  if (record.oversized) {
    builder.reject({
      line: record.line,
      code: ManifestReason.MALFORMED_LINE,
      message: 'the record is longer than 1 MiB',
    });
    return;
  }
  const outcome = parseOutputRecord(record, state.attribute);
  tally(state.identities, outcome.identity);
  if (!outcome.ok) {
    state.attribute ??= outcome.attribute;
    builder.reject({ line: record.line, sourceRef: outcome.sourceRef, ...outcome.problem });
    return;
  }
  const parsed = outcome.line;
  state.attribute ??= parsed.attribute;
  if (state.bucket !== undefined && parsed.bucket !== state.bucket) {
    builder.reject({
      line: record.line,
      sourceRef: parsed.sourceRef,
      code: ManifestReason.ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS,
      message: `image is in ${parsed.bucket}; the dataset's images are in ${state.bucket} (one bucket per dataset)`,
    });
    return;
  }
  const { line, findings } = normalizeLine(parsed, state.registry, normalizeOptions);
  for (const finding of findings) builder.reject({ line: record.line, sourceRef: parsed.sourceRef, ...finding });
  if (line === undefined) return;
  state.bucket ??= parsed.bucket;
  const labelIds = state.labelIds;
  labelIds.length = 0;
  for (const box of line.boxes) labelIds.push(box.labelId);
  state.index.add(hashSourceRef(line.sourceRef), labelIds);
  builder.addLine(line, 1);
  // The input line number rides along in the spool (a tab never occurs in compact JSON), so
  // memory holds no per-line number for the rare duplicate report.
  const text = formatDatasetLine(line, parsed.attribute, state.registry);
  state.chars += text.length + 1;
  const { spool } = ports;
  return spool.appendNumbered ? spool.appendNumbered(record.line, text) : spool.append(`${record.line}\t${text}`);
};

/** Reports a spooled line (`<input line>\t<json>`) whose image an earlier line has, and un-counts it. */
const reportDuplicate = (state: PassOneState & { attribute: string }, spooled: string): void => {
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
  state: PassOneState & { attribute: string },
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
  state: PassOneState & { attribute: string },
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
const writeSets = async (
  ports: ConversionPorts,
  state: PassOneState & { attribute: string },
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

/** Pass 1 over the whole input with the given (or not yet known) attribute and bucket. */
const firstPass = async (
  open: ManifestSource,
  ports: ConversionPorts,
  options: ConversionOptions,
  fixed: { attribute?: string; bucket?: string },
): Promise<PassOneState> => {
  const state: PassOneState = {
    ...fixed,
    registry: new LabelRegistry(options.labels),
    index: new SplitIndex(),
    builder: new DatasetReportBuilder(options.rejectedListLimit),
    identities: new Map(),
    chars: 0,
    labelIds: [],
  };
  const normalizeOptions = { minConfidence: options.minConfidence };
  for await (const batch of open()) {
    for (const record of batch) {
      const pending = takeRecord(record, state, ports, normalizeOptions);
      if (pending) await pending;
    }
  }
  return state;
};

/** The label attribute most labeled lines of the file use. */
const usedAttribute = (state: PassOneState): string | undefined =>
  majority(new Map([...state.identities].map(([a, b]) => [a, [...b.values()].reduce((x, y) => x + y, 0)])));

/**
 * The label attribute and bucket of the dataset: the given ones, else those of most labeled
 * lines (the bucket among lines of that attribute), so one stray line cannot decide for the file.
 */
const decideIdentity = (state: PassOneState, options: ConversionOptions): { attribute?: string; bucket?: string } => {
  const attribute = options.labelAttributeName ?? usedAttribute(state) ?? state.attribute;
  const buckets = attribute === undefined ? undefined : state.identities.get(attribute);
  const bucket = options.expectedBucket ?? (buckets === undefined ? undefined : majority(buckets)) ?? state.bucket;
  return { attribute, bucket };
};

/** Bytes of the train and test manifests the plan would write (a dry replay of the spool). */
const setBytes = async (spool: LineSpool, assignment: Uint8Array): Promise<{ train: number; test: number }> => {
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

/** What keeps the planned sets from being written: Rekognition's limits, or an empty test set. */
const blockersFor = async (
  state: PassOneState,
  plan: SplitPlan,
  ports: ConversionPorts,
  options: ConversionOptions,
): Promise<DatasetBlocker[]> => {
  const limits = options.limits ?? datasetLimits();
  // Only a dataset over the limit in total can have a manifest over it: measure each then. UTF-8
  // takes at most 3 bytes per UTF-16 unit, so that bound decides, not a byte count per line
  // (which cost a flattened copy of every line).
  const bytes = 3 * state.chars > limits.manifestBytes ? await setBytes(ports.spool, plan.assignment) : undefined;
  return datasetBlockers({ train: plan.train, test: plan.test, bytes }, limits, options.allowEmptyTest === true);
};

/**
 * Converts a Ground Truth output manifest into Rekognition train and test manifests plus a
 * report, in two passes and constant memory: pass 1 parses and checks each record (Rekognition's
 * rules, https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html),
 * spools kept lines and keeps ~16 bytes per line for the split; the split
 * is planned and checked against Rekognition's limits; pass 2 copies spooled lines to train or
 * test. The label attribute and bucket are the given ones or the majority's: when the first
 * lines guessed otherwise, pass 1 runs again over the input with the majority's. When nothing is
 * usable, or a limit would be broken (`report.blockers`), no sink is opened, and the report says why.
 */
export const convertOutputManifest = async (
  open: ManifestSource,
  ports: ConversionPorts,
  options: ConversionOptions,
): Promise<DatasetReport> => {
  const given = { attribute: options.labelAttributeName, bucket: options.expectedBucket };
  let state = await firstPass(open, ports, options, given);
  const decided = decideIdentity(state, options);
  const bucketOverturned = state.bucket !== undefined && decided.bucket !== state.bucket;
  if (decided.attribute !== state.attribute || bucketOverturned) {
    await ports.spool.clear();
    state = await firstPass(open, ports, options, decided);
  }
  const plan = planSplit(state.index, { testFraction: options.testFraction });
  const { attribute } = state;
  const blockers = plan.train + plan.test > 0 ? await blockersFor(state, plan, ports, options) : [];
  if (plan.train + plan.test > 0 && attribute !== undefined && blockers.length === 0) {
    await writeSets(ports, { ...state, attribute }, plan.assignment);
  }
  const { source, generatedAt, testFraction, minConfidence, labelCounters, labelingJob } = options;
  const context = { source, generatedAt, testFraction, minConfidence, labelCounters, labelingJob };
  const report = state.builder.build(
    { ...context, labelAttributeName: attribute, bucket: state.bucket },
    plan,
    state.registry,
  );
  const asked = options.labelAttributeName;
  // A given attribute no line uses is a typo more likely than a choice: name the one the file uses.
  const used = asked === undefined || state.identities.has(asked) ? undefined : usedAttribute(state);
  const warnings = majorityWarnings(report, options, used);
  return { ...report, warnings: [...report.warnings, ...warnings], blockers };
};

/**
 * Says when lines were left out because most of the file disagreed with them, or because the
 * given label attribute is one no line uses (naming `used`, the one most lines do).
 */
const majorityWarnings = (report: DatasetReport, options: ConversionOptions, used: string | undefined): string[] => {
  const warnings: string[] = [];
  const otherAttribute = report.rejectedByReason[ManifestReason.LABEL_ATTRIBUTE_MISMATCH] ?? 0;
  const given = options.labelAttributeName;
  if (given !== undefined && otherAttribute > 0 && used !== undefined) {
    warnings.push(
      `${otherAttribute} line(s) are labeled under ${JSON.stringify(used)}, the label attribute this file uses, not the given ${JSON.stringify(given)}, and were left out`,
    );
  }
  const otherBucket = report.rejectedByReason[ManifestReason.ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS] ?? 0;
  if (options.labelAttributeName === undefined && otherAttribute > 0) {
    warnings.push(
      `${otherAttribute} line(s) use another label attribute than ${JSON.stringify(report.labelAttributeName)}, the one most lines use, and were left out`,
    );
  }
  if (options.expectedBucket === undefined && otherBucket > 0) {
    warnings.push(
      `${otherBucket} line(s) have images in another bucket than ${report.bucket}, where most are, and were left out`,
    );
  }
  return warnings;
};
