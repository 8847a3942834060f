import { readFile } from 'node:fs/promises';
import { plural } from '../../functions/kernel/rules/plural';
import { inBatches } from './map-summary';
import type { LocalRunResult } from './run-local';

const firstLine = async (path: string | undefined): Promise<string> => {
  if (path === undefined) return '';
  const text = await readFile(path, 'utf8').catch(() => '');
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
};

const shown = (value: number | undefined): string => (value === undefined ? '-' : String(value));

/** "1 box", "2 boxes", "- boxes" when not known. */
const count = (value: number | undefined, one: string, many = `${one}s`): string =>
  value === undefined ? `- ${many}` : plural(value, one, many);

const seconds = (ms: number): string => (ms / 1000).toFixed(1);

const headline = (result: LocalRunResult): string =>
  result.status === 'SUCCEEDED'
    ? `✔ run ${result.runId} succeeded in ${seconds(result.elapsedMs)} s`
    : `✘ run ${result.runId || '(none)'} ${result.status} after ${seconds(result.elapsedMs)} s${
        result.error ? `: ${result.error.name}: ${result.error.cause}` : ''
      }`;

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as T;

/**
 * One count per stage, each named for what it counts: objects validated, images the labeling
 * job labeled (Ground Truth's LabelCounters, boxes or not), and images in the dataset (the
 * report's figures, split by who labeled them), so no two numbers on a line measure one thing.
 */
const countLines = async ({ counts: c, files }: LocalRunResult): Promise<string[]> => {
  const report = files.report
    ? await readJson<{ humanAnnotated?: number; machineAnnotated?: number }>(files.report)
    : {};
  return [
    `  validated ${count(c.objects, 'object')}${inBatches(c.validationBatches)}: ${shown(c.accepted)} accepted images, ${shown(c.rejected)} rejected`,
    `  labeling job: ${count(c.labeled, 'image')} labeled (by workers ${shown(c.humanLabeled)}, automated ${shown(c.machineLabeled)})`,
    `  dataset: ${count(c.datasetImages, 'image')} (human-labeled ${shown(report.humanAnnotated)}, machine-labeled ${shown(report.machineAnnotated)}), ${count(c.boxes, 'box', 'boxes')} · train ${shown(c.train)} / test ${shown(c.test)}`,
  ];
};

const labelingJobLines = async (path: string | undefined): Promise<string[]> => {
  if (!path) return [];
  const job = await readJson<{
    jobName?: string;
    workersPerObject?: number;
    autoLabeling?: { enabled?: boolean; reason?: string };
  }>(path);
  const auto = job.autoLabeling?.enabled ? 'on' : `off (${job.autoLabeling?.reason ?? 'not requested'})`;
  return [
    `  labeling job ${job.jobName}: ${shown(job.workersPerObject)} worker${job.workersPerObject === 1 ? '' : 's'} per image, automated labeling ${auto}`,
  ];
};

const manifestLines = async (files: LocalRunResult['files']): Promise<string[]> => {
  if (!files.train && !files.test) return [];
  const lines = ['', 'Dataset manifests (Rekognition Custom Labels format):'];
  for (const path of [files.train, files.test]) {
    if (path) lines.push(`  ${path}`, `    ${await firstLine(path)}`);
  }
  return lines;
};

const counted = (counts: Record<string, number> | undefined): string =>
  Object.entries(counts ?? {})
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');

const reportLines = async (path: string | undefined): Promise<string[]> => {
  if (!path) return [];
  const report = await readJson<{
    lines?: number;
    accepted?: number;
    rejectedLines?: number;
    boxes?: number;
    droppedBoxes?: number;
    labels?: Record<string, number>;
    rejectedByReason?: Record<string, number>;
    warnings?: string[];
  }>(path);
  const reasons = counted(report.rejectedByReason);
  return [
    '',
    `Report: ${path}`,
    `  ${count(report.lines, 'line')} read, ${shown(report.accepted)} kept, ${shown(report.rejectedLines)} dropped; ${count(report.boxes, 'box', 'boxes')} (${counted(report.labels)}), ${count(report.droppedBoxes, 'box', 'boxes')} dropped`,
    ...(reasons ? [`  dropped by reason: ${reasons}`] : []),
    ...(report.warnings ?? []).map((warning) => `  warning: ${warning}`),
  ];
};

const pathLines = (result: LocalRunResult): string[] => [
  ...(result.files.reportHtml ? [`  open in a browser: file://${result.files.reportHtml}`] : []),
  ...(result.files.validation ? [`Validation report: ${result.files.validation}`] : []),
  ...(result.outDir ? [`All files of the run: ${result.outDir}`] : []),
];

/** What the simulated labelers did through the built-in backend's API. */
const labelingApiLines = ({ labeling: l }: LocalRunResult): string[] => {
  if (!l) return [];
  const sorted = [...l.claimLatenciesMs].sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const people = Object.keys(l.answersBy).length;
  const you = l.person ? [`  your answers: ${plural(l.person.answers, 'image')} answered as ${l.person.email}`] : [];
  return [
    `  labeling API: ${plural(l.answers, 'answer')} by ${people} simulated labeler${people === 1 ? '' : 's'}, ${plural(l.skips, 'skip')}, ${plural(l.duplicates, 'resend')} taken as duplicates; ${plural(l.claims, 'claim')} (median ${median.toFixed(1)} ms)${l.closedByAdmin ? '; closed by the admin' : ''}`,
    ...you,
  ];
};

const eventLines = (result: LocalRunResult): string[] => {
  const lines = ['', `Events published on EventBridge (${result.events.length}):`];
  for (const e of result.events) {
    const detail = e.detail as { error?: { name?: string } };
    const what = detail.error?.name ? ` error=${detail.error.name}` : '';
    lines.push(`  ${e.time} ${e.source} "${e['detail-type']}"${what}`);
  }
  if (result.awsEvents.length > 0) lines.push('', 'Events delivered to the pipeline (as the EventBridge rules would):');
  for (const e of result.awsEvents) {
    const object = e.detail.object as { key?: string } | undefined;
    const ready = typeof e.detail.reason === 'string' ? `${String(e.detail.jobId)} (${e.detail.reason})` : undefined;
    const what = e.detail.LabelingJobStatus ?? e.detail.status ?? object?.key ?? ready ?? '';
    lines.push(`  ${e.time} ${e.source} "${e['detail-type']}" ${String(what)}`);
  }
  return lines;
};

/** The end-of-run text the CLI prints: where the dataset is, what the report says, counts, events, time. */
export const formatRunSummary = async (result: LocalRunResult): Promise<string[]> => [
  '',
  headline(result),
  ...(await countLines(result)),
  ...(await labelingJobLines(result.files.labelingJob)),
  ...labelingApiLines(result),
  ...(result.model
    ? [`  model version: ${result.model.status}, F1 ${shown(result.model.f1Score)} (simulated training)`]
    : []),
  ...(await manifestLines(result.files)),
  ...(await reportLines(result.files.report)),
  ...pathLines(result),
  ...eventLines(result),
  '',
  `Elapsed: ${seconds(result.elapsedMs)} s`,
];
