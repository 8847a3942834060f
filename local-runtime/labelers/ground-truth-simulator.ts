import { iou } from '../../functions/kernel/rules/boxes';
import { attributeOfMetadataKey, metadataKeyOf } from '../../functions/labeling/contracts/labeling-output/layout';
import {
  failedOutputRecord,
  labeledOutputRecord,
} from '../../functions/labeling/contracts/labeling-output/write-output-line';
import type { TruthBox, TruthImage } from '../sample/sample-batch';
import { createRandom } from '../sample/seeded-random';

/** DescribeLabelingJob `LabelCounters` (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeLabelingJob.html). */
export interface SimulatedLabelCounters {
  TotalLabeled: number;
  HumanLabeled: number;
  MachineLabeled: number;
  FailedNonRetryableError: number;
  Unlabeled: number;
}

export interface SimulatedJobOutput {
  /** `output.manifest` lines, one JSON object per input object, in input order. */
  outputLines: string[];
  counters: SimulatedLabelCounters;
}

export interface LabelingSimulationOptions {
  /** The job's input manifest, one `source-ref` per object. */
  sourceRefs: string[];
  /** The true boxes of an image; `undefined` when the simulated workforce knows nothing about it (the object fails). */
  truthFor(sourceRef: string): TruthImage | undefined;
  /** The label categories, in order: a box's `class_id` is its label's index here. */
  labels: string[];
  labelAttributeName: string;
  jobName: string;
  /** NumberOfHumanWorkersPerDataObject, 1–9 (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HumanTaskConfig.html). */
  workersPerObject: number;
  autoLabeling: boolean;
  seed: number;
  /** Share of objects whose labeling fails (tasks expire); default 0.05. */
  failureRate?: number;
  /** Base for `creation-date`; the current time when omitted. */
  now?: Date;
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

interface LabeledBox extends Box {
  label: string;
}

interface ConsolidatedBox extends LabeledBox {
  confidence: number;
}

const DEFAULT_FAILURE_RATE = 0.05;
/** Share of the (not failed) objects the simulated active-learning model labels when auto-labeling is on. */
const MACHINE_LABELED_SHARE = 0.4;
/** Boxes of different workers belong to the same object when their IoU reaches this. */
const CLUSTER_IOU = 0.5;
const WORKER_MISS_RATE = 0.05;
const WORKER_MISLABEL_RATE = 0.02;
const WORKER_EXTRA_BOX_RATE = 0.04;
const MODEL_MISS_RATE = 0.1;
const MODEL_FALSE_POSITIVE_RATE = 0.12;

const FAILURE_REASONS = [
  'ClientError: Annotation tasks expired. The tasks for this data object were not completed by the workforce before the task availability lifetime ended.',
  'ClientError: Annotation consolidation failed: no worker responses were received for this data object.',
];

/** FNV-1a: a stable per-object seed, so an object's answers do not depend on its position in the manifest. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function clampBox(box: Box, width: number, height: number): Box {
  const left = Math.min(Math.max(0, box.left), width - 1);
  const top = Math.min(Math.max(0, box.top), height - 1);
  const right = Math.min(width, Math.max(left + 1, box.left + box.width));
  const bottom = Math.min(height, Math.max(top + 1, box.top + box.height));
  return { left, top, width: right - left, height: bottom - top };
}

/** One edge position with noise proportional to the box size (people click a few px off). */
function jitterBox(random: () => number, box: Box, relativeNoise: number): Box {
  const noiseX = relativeNoise * box.width + 0.8;
  const noiseY = relativeNoise * box.height + 0.8;
  const left = box.left + gaussian(random) * noiseX;
  const top = box.top + gaussian(random) * noiseY;
  const right = box.left + box.width + gaussian(random) * noiseX;
  const bottom = box.top + box.height + gaussian(random) * noiseY;
  return { left, top, width: right - left, height: bottom - top };
}

function randomBox(random: () => number, image: TruthImage): Box {
  const width = image.width * (0.06 + random() * 0.12);
  const height = image.height * (0.06 + random() * 0.12);
  return { left: random() * (image.width - width), top: random() * (image.height - height), width, height };
}

function pickLabel(random: () => number, labels: readonly string[], fallback: string): string {
  return labels[Math.floor(random() * labels.length)] ?? fallback;
}

/** What one simulated worker submits: whole-pixel boxes near the true ones, some missed, some mislabeled, rarely an extra box. */
export function workerAnswer(
  random: () => number,
  image: TruthImage,
  truth: TruthBox[],
  labels: string[],
): LabeledBox[] {
  const answer: LabeledBox[] = [];
  for (const box of truth) {
    if (random() < WORKER_MISS_RATE) continue;
    const drawn = clampBox(jitterBox(random, box, 0.025), image.width, image.height);
    const label = random() < WORKER_MISLABEL_RATE ? pickLabel(random, labels, box.label) : box.label;
    const left = Math.round(drawn.left);
    const top = Math.round(drawn.top);
    answer.push({
      label,
      left,
      top,
      width: Math.max(1, Math.round(drawn.left + drawn.width) - left),
      height: Math.max(1, Math.round(drawn.top + drawn.height) - top),
    });
  }
  if (random() < WORKER_EXTRA_BOX_RATE) {
    const extra = clampBox(randomBox(random, image), image.width, image.height);
    answer.push({
      label: pickLabel(random, labels, 'object'),
      left: Math.round(extra.left),
      top: Math.round(extra.top),
      width: Math.max(1, Math.round(extra.width)),
      height: Math.max(1, Math.round(extra.height)),
    });
  }
  return answer;
}

function meanBox(boxes: Box[]): Box {
  const sum = boxes.reduce(
    (total, box) => ({
      left: total.left + box.left,
      top: total.top + box.top,
      width: total.width + box.width,
      height: total.height + box.height,
    }),
    { left: 0, top: 0, width: 0, height: 0 },
  );
  return {
    left: sum.left / boxes.length,
    top: sum.top / boxes.length,
    width: sum.width / boxes.length,
    height: sum.height / boxes.length,
  };
}

interface BoxCluster {
  label: string;
  members: { worker: number; box: LabeledBox }[];
  mean: Box;
}

/** The cluster of the box's label, without this worker yet, that the box overlaps most (IoU at least 0.5). */
const bestClusterFor = (clusters: BoxCluster[], box: LabeledBox, worker: number): BoxCluster | undefined => {
  let best: BoxCluster | undefined;
  let bestIou = CLUSTER_IOU;
  for (const cluster of clusters) {
    if (cluster.label !== box.label || cluster.members.some((member) => member.worker === worker)) continue;
    const overlap = iou(cluster.mean, box);
    if (overlap >= bestIou) {
      best = cluster;
      bestIou = overlap;
    }
  }
  return best;
};

/**
 * Consolidates the workers' boxes the way the built-in ACS-BoundingBox function does in spirit:
 * boxes of the same label from different workers whose IoU with a cluster's mean reaches 0.5 form
 * one object; objects drawn by a majority of workers are kept, as the mean of their boxes.
 * Confidence reflects agreement (share of workers × mean IoU with the result); with a single
 * worker there is nothing to agree with and Ground Truth reports 0.00 (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html).
 */
export function consolidateBoxes(answers: LabeledBox[][]): ConsolidatedBox[] {
  const workers = answers.length;
  const clusters: BoxCluster[] = [];
  answers.forEach((answer, worker) => {
    for (const box of answer) {
      const best = bestClusterFor(clusters, box, worker);
      if (best) {
        best.members.push({ worker, box });
        best.mean = meanBox(best.members.map((member) => member.box));
      } else clusters.push({ label: box.label, members: [{ worker, box }], mean: box });
    }
  });
  return clusters
    .filter((cluster) => cluster.members.length * 2 > workers)
    .map((cluster) => {
      const agreement =
        cluster.members.reduce((total, member) => total + iou(member.box, cluster.mean), 0) / cluster.members.length;
      const confidence = workers === 1 ? 0 : roundTo((cluster.members.length / workers) * agreement, 2);
      return { label: cluster.label, ...cluster.mean, confidence };
    });
}

/** What the simulated active-learning model predicts: looser boxes, some misses, some low-confidence false positives. */
function machineAnswer(
  random: () => number,
  image: TruthImage,
  truth: TruthBox[],
  labels: string[],
): ConsolidatedBox[] {
  const boxes: ConsolidatedBox[] = [];
  for (const box of truth) {
    if (random() < MODEL_MISS_RATE) continue;
    const predicted = clampBox(jitterBox(random, box, 0.04), image.width, image.height);
    boxes.push({ label: box.label, ...predicted, confidence: roundTo(0.35 + random() * 0.62, 2) });
  }
  if (random() < MODEL_FALSE_POSITIVE_RATE) {
    const predicted = clampBox(randomBox(random, image), image.width, image.height);
    boxes.push({
      label: pickLabel(random, labels, 'object'),
      ...predicted,
      confidence: roundTo(0.2 + random() * 0.25, 2),
    });
  }
  return boxes;
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Ground Truth's `creation-date` format, `%Y-%m-%dT%H:%M:%S.%f` in UTC without a zone (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html). */
export function formatCreationDate(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000`;
}

/** `labeling-job/<name>` for human answers; Ground Truth lower-cases job names (they are case-insensitive). */
function humanJobName(jobName: string): string {
  return `labeling-job/${jobName.toLowerCase()}`;
}

function labeledLine(
  sourceRef: string,
  attribute: string,
  image: TruthImage,
  boxes: ConsolidatedBox[],
  labels: string[],
  metadata: { humanAnnotated: boolean; jobName: string; creationDate: string },
): string {
  const outputBoxes = boxes.map((box) => ({
    class_id: labels.indexOf(box.label),
    left: box.left,
    top: box.top,
    width: box.width,
    height: box.height,
    confidence: box.confidence,
  }));
  // Sparse, like Ground Truth's: only the ids that occur on this line.
  const classMap: Record<string, string> = {};
  for (const box of outputBoxes) classMap[String(box.class_id)] = labels[box.class_id] ?? '';
  return JSON.stringify(
    labeledOutputRecord({
      sourceRef,
      attribute,
      width: image.width,
      height: image.height,
      boxes: outputBoxes,
      classMap,
      humanAnnotated: metadata.humanAnnotated ? 'yes' : 'no',
      jobName: metadata.jobName,
      creationDate: metadata.creationDate,
    }),
  );
}

function failedLine(sourceRef: string, attribute: string, jobName: string, reason: string): string {
  return JSON.stringify(
    failedOutputRecord({ sourceRef, attribute, reason, humanAnnotated: 'yes', jobName: humanJobName(jobName) }),
  );
}

/** Picks `count` objects deterministically for the seed, independent of manifest order. */
function chooseObjects(sourceRefs: string[], count: number, salt: string): Set<string> {
  const ranked = [...new Set(sourceRefs)].sort(
    (a, b) => hashString(`${salt}:${a}`) - hashString(`${salt}:${b}`) || (a < b ? -1 : 1),
  );
  return new Set(ranked.slice(0, count));
}

const emptyCounters = (): SimulatedLabelCounters => ({
  TotalLabeled: 0,
  HumanLabeled: 0,
  MachineLabeled: 0,
  FailedNonRetryableError: 0,
  Unlabeled: 0,
});

/**
 * Simulates a bounding-box labeling job run by a private workforce and returns the real-format
 * `output.manifest` lines ("Bounding Box Job Output", https://docs.aws.amazon.com/sagemaker/latest/dg/sms-data-output.html) and the job's
 * `LabelCounters`. Deterministic for a seed.
 *
 * - Each object is labeled by `workersPerObject` simulated workers whose boxes are consolidated
 *   ({@link consolidateBoxes}); an image without true boxes gets `annotations: []`.
 * - About `failureRate` of the objects fail (tasks expired), as do objects `truthFor` knows nothing
 *   about: their line has no `<attr>` and `<attr>-metadata` carries `failure-reason`.
 * - With auto-labeling, 40 % of the rest come back machine-labeled: `human-annotated: "no"`,
 *   `job-name` without the `labeling-job/` prefix, model confidences (some low).
 */
export function simulateLabelingJob(options: LabelingSimulationOptions): SimulatedJobOutput {
  const { sourceRefs, labels, labelAttributeName: attribute, jobName, seed } = options;
  const workers = Math.max(1, Math.floor(options.workersPerObject));
  const now = options.now ?? new Date();
  const failureRate = Math.min(1, Math.max(0, options.failureRate ?? DEFAULT_FAILURE_RATE));
  const failing = chooseObjects(sourceRefs, Math.round(sourceRefs.length * failureRate), `${seed}:fail`);
  const labelable = sourceRefs.filter((ref) => !failing.has(ref) && options.truthFor(ref) !== undefined);
  const machineLabeled = options.autoLabeling
    ? chooseObjects(labelable, Math.round(labelable.length * MACHINE_LABELED_SHARE), `${seed}:machine`)
    : new Set<string>();

  const counters = emptyCounters();
  const outputLines = sourceRefs.map((sourceRef, index) => {
    const random = createRandom(hashString(`${seed}:${sourceRef}`));
    const image = options.truthFor(sourceRef);
    if (!image || failing.has(sourceRef)) {
      counters.FailedNonRetryableError += 1;
      return failedLine(sourceRef, attribute, jobName, FAILURE_REASONS[index % FAILURE_REASONS.length] ?? '');
    }
    const truth = image.boxes.filter((box) => labels.includes(box.label));
    const creationDate = formatCreationDate(new Date(now.getTime() + index * 1500 + Math.floor(random() * 1000)));
    if (machineLabeled.has(sourceRef)) {
      counters.MachineLabeled += 1;
      return labeledLine(sourceRef, attribute, image, machineAnswer(random, image, truth, labels), labels, {
        humanAnnotated: false,
        jobName: jobName.toLowerCase(),
        creationDate,
      });
    }
    counters.HumanLabeled += 1;
    const answers = Array.from({ length: workers }, () => workerAnswer(random, image, truth, labels));
    return labeledLine(sourceRef, attribute, image, consolidateBoxes(answers), labels, {
      humanAnnotated: true,
      jobName: humanJobName(jobName),
      creationDate,
    });
  });
  counters.TotalLabeled = counters.HumanLabeled + counters.MachineLabeled;
  return { outputLines, counters };
}

export interface ReplayOptions {
  /** The job's input manifest, one `source-ref` per object. */
  sourceRefs: string[];
  /** Lines of a user's Ground Truth `output.manifest` (blank lines are ignored). */
  annotationLines: string[];
  /**
   * The label attribute our pipeline reads. When given, the user's attribute (`<theirs>` and
   * `<theirs>-metadata`) is renamed to it; otherwise the user's name is kept.
   */
  labelAttributeName?: string;
  jobName?: string;
}

type ManifestRecord = Record<string, unknown>;

function basename(sourceRef: string): string {
  return sourceRef.slice(sourceRef.lastIndexOf('/') + 1);
}

/** The label attribute of a Ground Truth output line: the key whose `-metadata` twin is present. */
function attributeOf(record: ManifestRecord): string | undefined {
  for (const key of Object.keys(record)) {
    const attribute = attributeOfMetadataKey(key);
    if (attribute !== undefined) return attribute;
  }
  return undefined;
}

function isRecord(value: unknown): value is ManifestRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseAnnotationLines(lines: string[]): ManifestRecord[] {
  const records: ManifestRecord[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new Error(
        `annotations file line ${index + 1} is not JSON (${error instanceof Error ? error.message : String(error)}); give a Ground Truth output.manifest with one JSON object per line`,
      );
    }
    if (!isRecord(parsed) || typeof parsed['source-ref'] !== 'string' || attributeOf(parsed) === undefined) {
      throw new Error(
        `annotations file line ${index + 1} is not a Ground Truth output line; each line needs "source-ref" and "<attribute>-metadata"`,
      );
    }
    records.push(parsed);
  });
  return records;
}

function renameAttribute(record: ManifestRecord, from: string, to: string): ManifestRecord {
  if (from === to) return record;
  const renamed: ManifestRecord = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === from) renamed[to] = value;
    else if (key === metadataKeyOf(from)) renamed[metadataKeyOf(to)] = value;
    else renamed[key] = value;
  }
  return renamed;
}

/**
 * `--annotations` mode: instead of simulating workers, answers each object with the line of a
 * user's real Ground Truth `output.manifest` whose `source-ref` has the same file name, with the
 * `source-ref` rewritten to ours and everything else kept. Objects without an answer come back
 * as failed objects. Counters follow the lines (`human-annotated: "no"` counts as machine-labeled,
 * `failure-reason` as failed). Throws on a line that is not a Ground Truth output line.
 */
export function replayAnnotations(options: ReplayOptions): SimulatedJobOutput {
  const records = parseAnnotationLines(options.annotationLines);
  const byName = new Map<string, ManifestRecord>();
  for (const record of records) {
    const name = basename(String(record['source-ref']));
    if (!byName.has(name)) byName.set(name, record);
  }
  const fallbackAttribute = records.map(attributeOf).find((name) => name !== undefined) ?? 'bounding-box';
  const attribute = options.labelAttributeName ?? fallbackAttribute;
  const jobName = options.jobName ?? 'replayed-annotations';

  const counters = emptyCounters();
  const outputLines = options.sourceRefs.map((sourceRef) => {
    const answer = byName.get(basename(sourceRef));
    const theirs = answer ? attributeOf(answer) : undefined;
    if (!answer || theirs === undefined) {
      counters.FailedNonRetryableError += 1;
      return failedLine(
        sourceRef,
        attribute,
        jobName,
        'ClientError: Annotation tasks expired. The replayed annotations hold no answer for this data object.',
      );
    }
    const record = renameAttribute({ ...answer, 'source-ref': sourceRef }, theirs, attribute);
    const metadata = record[metadataKeyOf(attribute)];
    if (!isRecord(metadata) || 'failure-reason' in metadata || !(attribute in record)) {
      counters.FailedNonRetryableError += 1;
    } else if (metadata['human-annotated'] === 'no') counters.MachineLabeled += 1;
    else counters.HumanLabeled += 1;
    return JSON.stringify(record);
  });
  counters.TotalLabeled = counters.HumanLabeled + counters.MachineLabeled;
  return { outputLines, counters };
}
