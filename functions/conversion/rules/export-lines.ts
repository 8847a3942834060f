import type { ExportFormatName } from '../../kernel/contracts/step-io';
import { ManifestReason } from '../../kernel/rules/reason-codes';
import type { Rejection } from '../contracts/dataset-report';
import { stemPathOf } from './export-files';
import { LabelRegistry } from './label-registry';
import type { ManifestRecord } from './line-reader';
import { normalizeLine } from './normalize-line';
import { type LineProblem, parseOutputRecord } from './output-manifest';
import { hashSourceRef } from './split';

/** The formats `labeling-pipeline export` and batch.json `"exports"` write (named in the run's contract). */
export { EXPORT_FORMATS } from '../../kernel/contracts/step-io';
export type ExportFormat = ExportFormatName;

/** Which list of YOLO's data.yaml (and which COCO/VOC image set) an image belongs to. */
export type ExportSet = 'train' | 'val';

/** One manifest to export; `open` may be called more than once (COCO reads its input twice). */
export interface ExportSource {
  /** Shown in rejections, e.g. the file's path or S3 URI. */
  name: string;
  /** The set its images go to; without it, each image's set follows from its `source-ref` (see `setOf`). */
  set?: ExportSet;
  open(): AsyncIterable<readonly ManifestRecord[]>;
}

/** A box of an exported image: whole pixels, the export-wide class id and its label. */
export interface ExportBox {
  classId: number;
  label: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

/** An image with its boxes, as every export format needs it. */
export interface ExportImage {
  sourceRef: string;
  width: number;
  height: number;
  depth: number;
  set: ExportSet;
  boxes: ExportBox[];
}

export interface ExportReadOptions {
  /** The label attribute; without it, each manifest's is that of its first labeled line. */
  labelAttributeName?: string;
  /** Label names that keep their index as class id (the run's labels); others follow in order of appearance. */
  labels?: readonly string[];
  /** Machine labels below this confidence are dropped, as in `convert` (default 0). */
  minConfidence?: number;
  /** Share of images put in `val` when a source has no set of its own (default 0.2). */
  valFraction?: number;
  /** Refuse an image whose path without extension another image has (YOLO and VOC name label files after it). */
  uniqueStems?: boolean;
}

/** A rejection and the manifest it is in. */
export type ExportRejection = Rejection & { source: string };

/** Rejections listed one by one; the rest are only counted, so memory stays bounded. */
const REJECTED_LIST_LIMIT = 10_000;

/** What an export read: counts per label and every rejection's reason (the first 10,000 listed). */
export class ExportTally {
  lines = 0;
  images = 0;
  readonly sets = { train: 0, val: 0 };
  readonly boxesPerLabel: Record<string, number> = {};
  readonly rejectedByReason: Record<string, number> = {};
  readonly rejected: ExportRejection[] = [];
  rejectedTotal = 0;

  reject(rejection: ExportRejection): void {
    this.rejectedTotal += 1;
    this.rejectedByReason[rejection.code] = (this.rejectedByReason[rejection.code] ?? 0) + 1;
    if (this.rejected.length < REJECTED_LIST_LIMIT) this.rejected.push(rejection);
  }

  add(image: ExportImage): void {
    this.images += 1;
    this.sets[image.set] += 1;
    for (const box of image.boxes) this.boxesPerLabel[box.label] = (this.boxesPerLabel[box.label] ?? 0) + 1;
  }
}

const TWO_POW_53 = 2 ** 53;

/** A deterministic set per image from the hash of its `source-ref`: the same image always lands on the same side. */
export const setOf = (sourceRef: string, valFraction: number): ExportSet =>
  hashSourceRef(sourceRef) / TWO_POW_53 < valFraction ? 'val' : 'train';

interface ReadState {
  readonly registry: LabelRegistry;
  readonly seen: Set<number>;
  readonly stems: Set<number>;
  readonly tally: ExportTally;
  readonly options: ExportReadOptions;
  /** The label attribute of the source being read: the given one, else its first line's (as `convert`'s first pass). */
  attribute?: string;
}

/** One record into an image, or its rejections into the tally (the reasons `convert` gives). */
/** The reason an image cannot be exported a second time, or `undefined` (and the image is noted). */
const repeatProblem = (sourceRef: string, state: ReadState): LineProblem | undefined => {
  const hash = hashSourceRef(sourceRef);
  if (state.seen.has(hash)) {
    return { code: ManifestReason.DUPLICATE_IMAGE, message: 'the image already has a line earlier in the manifest' };
  }
  const stem = state.options.uniqueStems === true ? hashSourceRef(stemPathOf(sourceRef)) : undefined;
  if (stem !== undefined && state.stems.has(stem)) {
    return {
      code: ManifestReason.DUPLICATE_IMAGE,
      message: 'an image earlier in the input has the same path without its extension, which names the label file',
    };
  }
  state.seen.add(hash);
  if (stem !== undefined) state.stems.add(stem);
  return undefined;
};

const imageOf = (record: ManifestRecord, source: ExportSource, state: ReadState): ExportImage | undefined => {
  const { tally, registry, options } = state;
  const at = { source: source.name, line: record.line };
  tally.lines += 1;
  if (record.oversized) {
    tally.reject({ ...at, code: ManifestReason.MALFORMED_LINE, message: 'the record is longer than 1 MiB' });
    return undefined;
  }
  const outcome = parseOutputRecord(record, state.attribute);
  state.attribute ??= outcome.ok ? outcome.line.attribute : outcome.attribute;
  if (!outcome.ok) {
    tally.reject({ ...at, sourceRef: outcome.sourceRef, ...outcome.problem });
    return undefined;
  }
  const parsed = outcome.line;
  const { line, findings } = normalizeLine(parsed, registry, { minConfidence: options.minConfidence ?? 0 });
  for (const finding of findings) tally.reject({ ...at, sourceRef: parsed.sourceRef, ...finding });
  if (line === undefined) return undefined;
  const repeat = repeatProblem(line.sourceRef, state);
  if (repeat !== undefined) {
    tally.reject({ ...at, sourceRef: line.sourceRef, ...repeat });
    return undefined;
  }
  return {
    sourceRef: line.sourceRef,
    width: line.width,
    height: line.height,
    depth: line.depth,
    set: source.set ?? setOf(line.sourceRef, options.valFraction ?? 0.2),
    boxes: line.boxes.map(({ labelId, left, top, width, height }) => ({
      classId: labelId,
      label: registry.nameOf(labelId),
      left,
      top,
      width,
      height,
    })),
  };
};

/** An export's reading of its input: the images in order, then the tally and the class names. */
export interface ExportReading {
  images: AsyncGenerator<ExportImage[]>;
  tally: ExportTally;
  /** Class names by class id, complete once `images` is used up. */
  classNames(): string[];
}

/**
 * Reads the sources in order with the conversion's line reader and rules (`parseOutputRecord`,
 * `normalizeLine`): a bad line or box gets the reason `convert` gives it, a second line for an
 * image is a DUPLICATE_IMAGE. Memory holds one batch of records, the label names and a 53-bit
 * hash per image. Reading again gives the same images with the same class ids.
 */
export const readExportImages = (sources: readonly ExportSource[], options: ExportReadOptions = {}): ExportReading => {
  const state: ReadState = {
    registry: new LabelRegistry(options.labels),
    seen: new Set(),
    stems: new Set(),
    tally: new ExportTally(),
    options,
  };
  /** The images of one batch of records; rejections go to the tally. */
  const take = (batch: readonly ManifestRecord[], source: ExportSource): ExportImage[] => {
    const out: ExportImage[] = [];
    for (const record of batch) {
      const image = imageOf(record, source, state);
      if (image === undefined) continue;
      state.tally.add(image);
      out.push(image);
    }
    return out;
  };
  async function* images(): AsyncGenerator<ExportImage[]> {
    for (const source of sources) {
      state.attribute = options.labelAttributeName;
      for await (const batch of source.open()) {
        const out = take(batch, source);
        if (out.length > 0) yield out;
      }
    }
  }
  const { registry } = state;
  return {
    images: images(),
    tally: state.tally,
    classNames: () => Array.from({ length: registry.size }, (_, id) => registry.nameOf(id)),
  };
};
