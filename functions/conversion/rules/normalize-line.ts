import { ManifestReason } from '../../kernel/rules/reason-codes';
import { metadataKeyOf, OBJECT_DETECTION_TYPE } from '../../labeling/contracts/labeling-output/layout';
import type { LabelRegistry } from './label-registry';
import type { LineProblem, ParsedOutputLine } from './output-manifest';
import { type CandidateBox, checkBox, imageSizeProblem, RekognitionLimits } from './rekognition-rules';

/** A box of the dataset: whole pixels, dataset-wide class id. */
export interface DatasetBox {
  labelId: number;
  left: number;
  top: number;
  width: number;
  height: number;
  confidence: number;
}

/** A line ready for the Rekognition manifest. */
export interface DatasetLine {
  sourceRef: string;
  width: number;
  height: number;
  depth: number;
  humanAnnotated: 'yes' | 'no';
  creationDate: string;
  jobName?: string;
  boxes: DatasetBox[];
}

/** A dropped box (with its index in the input's `annotations`) or, without `box`, the whole line. */
export interface Finding extends LineProblem {
  box?: number;
}

export interface NormalizeOptions {
  /** Machine-labeled lines (human-annotated "no") whose lowest box confidence is below this are dropped. */
  minConfidence: number;
}

export interface NormalizeResult {
  line?: DatasetLine;
  findings: Finding[];
}

const lineFinding = (code: ManifestReason, message: string): Finding => ({ code, message });

/** Line-level rules that need only the parsed line: image size, confidences aligned with boxes. */
const lineProblem = (parsed: ParsedOutputLine): Finding | undefined => {
  const size = imageSizeProblem(parsed.width, parsed.height);
  if (size) return size;
  if (parsed.objects.length !== parsed.annotations.length) {
    return lineFinding(
      ManifestReason.ERROR_MISSING_BOUNDING_BOX_CONFIDENCE,
      `${parsed.annotations.length} annotations but ${parsed.objects.length} objects (confidences)`,
    );
  }
  if (parsed.annotations.length === 0) {
    return lineFinding(ManifestReason.WARNING_NO_ANNOTATIONS, 'no boxes: Rekognition ignores such a line');
  }
  return undefined;
};

/** Line-level rules on the boxes that survived: some left, ≤ 50, confident enough when machine-made. */
const survivorsProblem = (
  parsed: ParsedOutputLine,
  boxes: readonly CandidateBox[],
  options: NormalizeOptions,
): Finding | undefined => {
  if (boxes.length === 0) return lineFinding(ManifestReason.ERROR_NO_VALID_ANNOTATIONS, 'every box was dropped');
  if (boxes.length > RekognitionLimits.MAX_BOXES_PER_IMAGE) {
    return lineFinding(
      ManifestReason.ERROR_TOO_MANY_BOUNDING_BOXES,
      `${boxes.length} boxes; Rekognition allows ${RekognitionLimits.MAX_BOXES_PER_IMAGE} per image`,
    );
  }
  let lowest = Number.POSITIVE_INFINITY;
  for (const box of boxes) lowest = Math.min(lowest, box.confidence);
  if (parsed.humanAnnotated === 'no' && lowest < options.minConfidence) {
    return lineFinding(
      ManifestReason.LOW_CONFIDENCE,
      `machine label with confidence ${lowest} below the minimum ${options.minConfidence}`,
    );
  }
  return undefined;
};

/**
 * Applies Rekognition's import rules to one parsed line (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html). A bad box is dropped and
 * the line kept (Rekognition itself skips only that box); the line is dropped when its image size
 * is out of range, its confidences do not match its boxes, no box is left, more than 50 remain
 * (a partly boxed image would teach the model that the unboxed objects are background), or it is
 * a machine label below `minConfidence`. Labels are registered only for kept lines, so dropped
 * lines never use up one of the 250 labels.
 */
export const normalizeLine = (
  parsed: ParsedOutputLine,
  registry: LabelRegistry,
  options: NormalizeOptions,
): NormalizeResult => {
  const early = lineProblem(parsed);
  if (early) return { findings: [early] };
  const findings: Finding[] = [];
  const candidates: CandidateBox[] = [];
  const frame = { width: Math.round(parsed.width), height: Math.round(parsed.height) };
  const { annotations, objects, classMap } = parsed;
  for (let index = 0; index < annotations.length; index += 1) {
    const checked = checkBox(annotations[index], objects[index], { index, frame, classMap });
    if ('code' in checked) findings.push({ code: checked.code, message: checked.message, box: index });
    else candidates.push(checked);
  }
  const late = survivorsProblem(parsed, candidates, options);
  if (late) {
    findings.push(late);
    return { findings };
  }
  const boxes: DatasetBox[] = [];
  for (const box of candidates) {
    const labelId = registry.use(box.label);
    if (typeof labelId !== 'number') findings.push({ code: labelId.code, message: labelId.message, box: box.index });
    else
      boxes.push({
        labelId,
        left: box.left,
        top: box.top,
        width: box.width,
        height: box.height,
        confidence: box.confidence,
      });
  }
  if (boxes.length === 0) return { findings };
  const { sourceRef, depth, humanAnnotated, creationDate, jobName } = parsed;
  const line: DatasetLine = {
    sourceRef,
    width: frame.width,
    height: frame.height,
    depth: Math.round(depth),
    humanAnnotated,
    creationDate,
    boxes,
  };
  if (jobName !== undefined) line.jobName = jobName;
  return { line, findings };
};

/** `JSON.stringify` of the last value seen: a run's lines mostly share one creation date and job name. */
const lastQuoted = () => {
  let last: string | undefined;
  let quoted = '';
  return (value: string): string => {
    if (value !== last) {
      last = value;
      quoted = JSON.stringify(value);
    }
    return quoted;
  };
};

const quoteDate = lastQuoted();
const quoteJob = lastQuoted();

/** The parts of a line that depend only on the label attribute, built once per attribute. */
const attributeParts = (() => {
  let attribute: string | undefined;
  let parts = { label: '', metadata: '' };
  return (name: string) => {
    if (name !== attribute) {
      attribute = name;
      parts = {
        label: `,${JSON.stringify(name)}:{"image_size":[{"width":`,
        metadata: `]},${JSON.stringify(metadataKeyOf(name))}:{"objects":[`,
      };
    }
    return parts;
  };
})();

/**
 * The `class-map` body for a set of ids, cached per registry by the set (as a bit mask, for the
 * first 31 ids): names never change once given, and most lines use one of a few label sets.
 */
const classMaps = new WeakMap<LabelRegistry, Map<number, string>>();

const classMapOf = (ids: number[], registry: LabelRegistry): string => {
  let mask = 0;
  for (const id of ids) mask = id < 31 && mask >= 0 ? mask | (1 << id) : -1;
  let cache = classMaps.get(registry);
  const known = mask >= 0 ? cache?.get(mask) : undefined;
  if (known !== undefined) return known;
  const text = ids
    .sort((x, y) => x - y)
    .map((id) => `"${id}":${JSON.stringify(registry.nameOf(id))}`)
    .join(',');
  if (mask >= 0) {
    if (cache === undefined) {
      cache = new Map();
      classMaps.set(registry, cache);
    }
    cache.set(mask, text);
  }
  return text;
};

/**
 * Formats a dataset line as one compact JSON line in the Ground Truth bounding-box format that
 * Rekognition imports as-is (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/cd-manifest-files-object-detection.html): only `source-ref`, the label attribute and its
 * metadata (other keys are left out, as a second `*-metadata` attribute would add labels), the
 * class map holding just this line's dataset-wide ids.
 */
export const formatDatasetLine = (line: DatasetLine, attribute: string, registry: LabelRegistry): string => {
  // Built by hand rather than JSON.stringify of a fresh object tree: this runs once per line and
  // was the converter's largest cost after JSON.parse. Strings still go through JSON.stringify
  // for escaping; numbers are finite, so their template form equals their JSON form.
  const parts = attributeParts(attribute);
  let annotations = '';
  let objects = '';
  const ids: number[] = [];
  for (const b of line.boxes) {
    const comma = annotations === '' ? '' : ',';
    annotations += `${comma}{"class_id":${b.labelId},"left":${b.left},"top":${b.top},"width":${b.width},"height":${b.height}}`;
    objects += `${comma}{"confidence":${b.confidence}}`;
    if (!ids.includes(b.labelId)) ids.push(b.labelId);
  }
  const jobName = line.jobName === undefined ? '' : `,"job-name":${quoteJob(line.jobName)}`;
  return (
    `{"source-ref":${JSON.stringify(line.sourceRef)}${parts.label}${line.width},"height":${line.height},"depth":${line.depth}}],"annotations":[${annotations}` +
    `${parts.metadata}${objects}],"class-map":{${classMapOf(ids, registry)}},"type":"${OBJECT_DETECTION_TYPE}",` +
    `"human-annotated":"${line.humanAnnotated}","creation-date":${quoteDate(line.creationDate)}${jobName}}}`
  );
};

interface WrittenLabel {
  image_size: { width: number; height: number; depth: number }[];
  annotations: { class_id: number; left: number; top: number; width: number; height: number }[];
}

interface WrittenMetadata {
  objects: { confidence: number }[];
  'human-annotated': 'yes' | 'no';
  'creation-date': string;
  'job-name'?: string;
}

/** Reads back a line written by `formatDatasetLine` (used to un-count a duplicate image). */
export const datasetLineFromJson = (text: string, attribute: string): DatasetLine => {
  const record = JSON.parse(text) as Record<string, unknown>;
  const label = record[attribute] as WrittenLabel;
  const meta = record[metadataKeyOf(attribute)] as WrittenMetadata;
  const size = label.image_size[0] ?? { width: 0, height: 0, depth: 3 };
  return {
    sourceRef: String(record['source-ref']),
    width: size.width,
    height: size.height,
    depth: size.depth,
    humanAnnotated: meta['human-annotated'],
    creationDate: meta['creation-date'],
    ...(meta['job-name'] === undefined ? {} : { jobName: meta['job-name'] }),
    boxes: label.annotations.map((a, i) => ({
      labelId: a.class_id,
      left: a.left,
      top: a.top,
      width: a.width,
      height: a.height,
      confidence: meta.objects[i]?.confidence ?? 0,
    })),
  };
};
