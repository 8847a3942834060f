import { readFile } from 'node:fs/promises';
import type { LocalRunResult, RunCounts } from './run-local';

const firstLine = async (path: string | undefined): Promise<string> => {
  if (path === undefined) return '';
  const text = await readFile(path, 'utf8').catch(() => '');
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
};

const shown = (value: number | undefined): string => (value === undefined ? '-' : String(value));

interface ReportFigures {
  lines?: number;
  accepted?: number;
  rejectedLines?: number;
  boxes?: number;
  droppedBoxes?: number;
  humanAnnotated?: number;
  machineAnnotated?: number;
  labels?: Record<string, number>;
  rejectedByReason?: Record<string, number>;
  warnings?: string[];
}

const readReport = async (path: string | undefined): Promise<ReportFigures | undefined> =>
  path === undefined ? undefined : (JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as ReportFigures);

/**
 * One count per stage, each named for what it counts: objects validated, images the labeling
 * job labeled (Ground Truth's LabelCounters, boxes or not), and images in the dataset (the
 * report's figures, split by who labeled them), so no two numbers on a line measure one thing.
 */
const countLines = (c: RunCounts, report: ReportFigures | undefined): string[] => [
  `  validated ${shown(c.objects)} objects: ${shown(c.accepted)} accepted images, ${shown(c.rejected)} rejected`,
  `  labeling job: ${shown(c.labeled)} images labeled (by workers ${shown(c.humanLabeled)}, automated ${shown(c.machineLabeled)})`,
  `  dataset: ${shown(c.datasetImages)} images (human-labeled ${shown(report?.humanAnnotated)}, machine-labeled ${shown(report?.machineAnnotated)}), ${shown(c.boxes)} boxes · train ${shown(c.train)} / test ${shown(c.test)}`,
];

/** The end-of-run text the CLI prints: where the dataset is, what the report says, counts, events, time. */
export const formatRunSummary = async (result: LocalRunResult): Promise<string[]> => {
  const lines: string[] = [];
  const ok = result.status === 'SUCCEEDED';
  lines.push('');
  lines.push(
    ok
      ? `✔ run ${result.runId} succeeded in ${(result.elapsedMs / 1000).toFixed(1)} s`
      : `✘ run ${result.runId || '(none)'} ${result.status} after ${(result.elapsedMs / 1000).toFixed(1)} s${
          result.error ? `: ${result.error.name}: ${result.error.cause}` : ''
        }`,
  );
  const report = await readReport(result.files.report);
  lines.push(...countLines(result.counts, report));
  if (result.files.labelingJob) {
    const job = JSON.parse(await readFile(result.files.labelingJob, 'utf8').catch(() => '{}')) as {
      jobName?: string;
      workersPerObject?: number;
      autoLabeling?: { enabled?: boolean; reason?: string };
    };
    const auto = job.autoLabeling?.enabled ? 'on' : `off (${job.autoLabeling?.reason ?? 'not requested'})`;
    lines.push(
      `  labeling job ${job.jobName}: ${shown(job.workersPerObject)} worker${job.workersPerObject === 1 ? '' : 's'} per image, automated labeling ${auto}`,
    );
  }
  if (result.model) {
    lines.push(`  model version: ${result.model.status}, F1 ${shown(result.model.f1Score)} (simulated training)`);
  }
  if (result.files.train || result.files.test) {
    lines.push('', 'Dataset manifests (Rekognition Custom Labels format):');
    for (const key of ['train', 'test'] as const) {
      const path = result.files[key];
      if (!path) continue;
      lines.push(`  ${path}`, `    ${await firstLine(path)}`);
    }
  }
  if (result.files.report && report) {
    const labels = Object.entries(report.labels ?? {})
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    const reasons = Object.entries(report.rejectedByReason ?? {})
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    lines.push('', `Report: ${result.files.report}`);
    lines.push(
      `  ${shown(report.lines)} lines read, ${shown(report.accepted)} kept, ${shown(report.rejectedLines)} dropped; ${shown(report.boxes)} boxes (${labels}), ${shown(report.droppedBoxes)} boxes dropped`,
    );
    if (reasons) lines.push(`  dropped by reason: ${reasons}`);
    for (const warning of report.warnings ?? []) lines.push(`  warning: ${warning}`);
  }
  if (result.files.reportHtml) lines.push(`  open in a browser: file://${result.files.reportHtml}`);
  if (result.files.validation) lines.push(`Validation report: ${result.files.validation}`);
  if (result.outDir) lines.push(`All files of the run: ${result.outDir}`);
  lines.push('', `Events published on EventBridge (${result.events.length}):`);
  for (const e of result.events) {
    const detail = e.detail as { error?: { name?: string }; counts?: Record<string, unknown> };
    const what = detail.error?.name ? ` error=${detail.error.name}` : '';
    lines.push(`  ${e.time} ${e.source} "${e['detail-type']}"${what}`);
  }
  if (result.awsEvents.length > 0)
    lines.push('', 'AWS events delivered to the pipeline (as the EventBridge rules would):');
  for (const e of result.awsEvents) {
    const object = e.detail.object as { key?: string } | undefined;
    const what = e.detail.LabelingJobStatus ?? e.detail.status ?? object?.key ?? '';
    lines.push(`  ${e.time} ${e.source} "${e['detail-type']}" ${String(what)}`);
  }
  lines.push('', `Elapsed: ${(result.elapsedMs / 1000).toFixed(1)} s`);
  return lines;
};
