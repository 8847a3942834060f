import { ManifestReason } from '../../kernel/rules/reason-codes';
import type { DatasetReport } from '../contracts/dataset-report';
import { DatasetReportBuilder, type ReportContext } from './dataset-report';
import { LabelRegistry } from './label-registry';
import type { ManifestRecord } from './line-reader';
import { datasetLineFromJson, formatDatasetLine, normalizeLine } from './normalize-line';
import { parseOutputRecord } from './output-manifest';
import { Assignment, hashSourceRef, planSplit, SplitIndex } from './split';

/** Where converted lines go: a file, or an S3 multipart upload. `write` may ask the caller to wait. */
export interface LineSink {
  write(text: string): undefined | Promise<void>;
  close(): Promise<void>;
  abort(error: unknown): void;
}

/** Scratch storage for the accepted lines between the two passes (a temp file in practice). */
export interface LineSpool {
  append(text: string): undefined | Promise<void>;
  /** The appended lines, in order, each without its newline. */
  replay(): AsyncIterable<string>;
}

export interface ConversionPorts {
  spool: LineSpool;
  /** Called once, only when at least one line is accepted. */
  openSinks(): { train: LineSink; test: LineSink };
}

export interface ConversionOptions extends Omit<ReportContext, 'labelAttributeName' | 'bucket'> {
  /** The label attribute; detected from the first labeled line when absent. */
  labelAttributeName?: string;
  /** The bucket every image must be in; the first accepted line's bucket when absent. */
  expectedBucket?: string;
  /** The run's labels in Ground Truth's order: they keep their class ids. */
  labels?: readonly string[];
  rejectedListLimit?: number;
}

interface PassOneState {
  attribute?: string;
  bucket?: string;
  readonly registry: LabelRegistry;
  readonly index: SplitIndex;
  readonly builder: DatasetReportBuilder;
}

/** Pass 1 for one record: parse, apply the rules, spool what is kept, note what the split needs. */
const takeRecord = (
  record: ManifestRecord,
  state: PassOneState,
  ports: ConversionPorts,
  minConfidence: number,
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
  if (!outcome.ok) {
    state.attribute ??= outcome.attribute;
    builder.reject({ line: record.line, sourceRef: outcome.sourceRef, ...outcome.problem });
    return;
  }
  const parsed = outcome.line;
  state.attribute ??= parsed.attribute;
  const rejectLine = (code: ManifestReason, message: string) =>
    builder.reject({ line: record.line, sourceRef: parsed.sourceRef, code, message });
  if (state.bucket !== undefined && parsed.bucket !== state.bucket) {
    rejectLine(ManifestReason.ERROR_IMAGES_IN_MULTIPLE_S3_BUCKETS, `image is in ${parsed.bucket}, not ${state.bucket}`);
    return;
  }
  const { line, findings } = normalizeLine(parsed, state.registry, { minConfidence });
  for (const finding of findings) builder.reject({ line: record.line, sourceRef: parsed.sourceRef, ...finding });
  if (line === undefined) return;
  state.bucket ??= parsed.bucket;
  state.index.add(
    hashSourceRef(line.sourceRef),
    line.boxes.map((b) => b.labelId),
  );
  builder.addLine(line, 1);
  // The input line number rides along in the spool (a tab never occurs in compact JSON), so
  // memory holds no per-line number for the rare duplicate report.
  return ports.spool.append(`${record.line}\t${formatDatasetLine(line, parsed.attribute, state.registry)}`);
};

/** Pass 2: copy each spooled line to its set; a duplicate image is reported and un-counted. */
const writeSets = async (
  ports: ConversionPorts,
  state: PassOneState & { attribute: string },
  assignment: Uint8Array,
): Promise<void> => {
  const { train, test } = ports.openSinks();
  try {
    let i = 0;
    for await (const spooled of ports.spool.replay()) {
      const tab = spooled.indexOf('\t');
      const text = spooled.slice(tab + 1);
      const where = assignment[i];
      if (where === Assignment.DUPLICATE) {
        const line = datasetLineFromJson(text, state.attribute);
        state.builder.addLine(line, -1);
        state.builder.reject({
          line: Number(spooled.slice(0, tab)),
          sourceRef: line.sourceRef,
          code: ManifestReason.DUPLICATE_IMAGE,
          message: 'the image already has a line earlier in the manifest',
        });
      } else {
        const pending = (where === Assignment.TEST ? test : train).write(`${text}\n`);
        if (pending) await pending;
      }
      i += 1;
    }
    await Promise.all([train.close(), test.close()]);
  } catch (error) {
    train.abort(error);
    test.abort(error);
    throw error;
  }
};

/**
 * Converts a Ground Truth output manifest (record batches from `readManifestBatches`) into Rekognition train and test manifests plus a
 * report, in two passes and constant memory: pass 1 parses and checks each record (Rekognition's
 * rules, https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html), spools kept lines and keeps ~16 bytes per line for the split; the split
 * is planned; pass 2 copies spooled lines to train or test. When nothing is usable no sink is
 * opened, and the report says why each line was dropped.
 */
export const convertOutputManifest = async (
  batches: AsyncIterable<readonly ManifestRecord[]>,
  ports: ConversionPorts,
  options: ConversionOptions,
): Promise<DatasetReport> => {
  const state: PassOneState = {
    attribute: options.labelAttributeName,
    bucket: options.expectedBucket,
    registry: new LabelRegistry(options.labels),
    index: new SplitIndex(),
    builder: new DatasetReportBuilder(options.rejectedListLimit),
  };
  for await (const batch of batches) {
    for (const record of batch) {
      const pending = takeRecord(record, state, ports, options.minConfidence);
      if (pending) await pending;
    }
  }
  const plan = planSplit(state.index, { testFraction: options.testFraction });
  const { attribute } = state;
  if (plan.train + plan.test > 0 && attribute !== undefined) {
    await writeSets(ports, { ...state, attribute }, plan.assignment);
  }
  const { source, generatedAt, testFraction, minConfidence, labelCounters, labelingJob } = options;
  const context = { source, generatedAt, testFraction, minConfidence, labelCounters, labelingJob };
  return state.builder.build({ ...context, labelAttributeName: attribute, bucket: state.bucket }, plan, state.registry);
};
