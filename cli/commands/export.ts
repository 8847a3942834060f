import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { writableLineSink } from '../../functions/conversion/aws/line-sink';
import { FILE_HIGH_WATER_MARK } from '../../functions/conversion/aws/spool-file';
import { exportDataset } from '../../functions/conversion/rules/export-dataset';
import type { ExportTarget } from '../../functions/conversion/rules/export-files';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportSet,
  type ExportSource,
  type ExportTally,
} from '../../functions/conversion/rules/export-lines';
import { readManifestBatches } from '../../functions/conversion/rules/line-reader';

export interface ExportCommandOptions {
  format: ExportFormat;
  out: string;
  labelAttribute?: string;
  minConfidence?: number;
  valFraction?: number;
}

/** What `<out>/export-report.json` holds: the export's counts and every rejected line's reason. */
export interface ExportReport {
  format: ExportFormat;
  sources: { path: string; set?: ExportSet }[];
  generatedAt: string;
  lines: number;
  images: number;
  sets: { train: number; val: number };
  boxesPerLabel: Record<string, number>;
  rejectedByReason: Record<string, number>;
  rejectedTotal: number;
  rejected: ExportTally['rejected'];
}

/** Raised when no line of the input could be exported; export-report.json says why. */
export class NothingExported extends Error {
  override readonly name = 'NothingExported' as const;
}

export const EXPORT_REPORT_FILE = 'export-report.json';

/**
 * The set a manifest's images go to, from its file name: a dataset's `test.manifest` (or any
 * name with `test` or `val`) is `val`, one with `train` is `train`; any other (a labeling job's
 * output.manifest) leaves each image's set to the hash of its source-ref.
 */
export const setOfManifest = (path: string): ExportSet | undefined => {
  const name = basename(path).toLowerCase();
  if (/test|val/.test(name)) return 'val';
  return name.includes('train') ? 'train' : undefined;
};

/** Writes under `out`, creating folders as needed (each once). */
export const folderTarget = (out: string): ExportTarget => {
  const made = new Set<string>();
  const folder = (path: string): string => {
    const dir = dirname(join(out, path));
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    return join(out, path);
  };
  return {
    writeFile: (path, text) => writeFile(folder(path), text),
    openFile: (path) => writableLineSink(createWriteStream(folder(path), { highWaterMark: FILE_HIGH_WATER_MARK })),
  };
};

const assertReadable = async (path: string): Promise<void> => {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new Error(`input manifest not found: ${path}`);
  if (!info.isFile()) throw new Error(`input manifest is not a file: ${path}`);
};

/**
 * Exports local manifests (Ground Truth output or Rekognition dataset manifests, in any number)
 * to `out` in one format with the same code as the run's exports, in bounded memory, and writes
 * export-report.json. Throws `NothingExported`, after writing the report, when no image is usable.
 */
export const exportManifestFiles = async (
  inputs: readonly string[],
  options: ExportCommandOptions,
): Promise<ExportReport> => {
  for (const input of inputs) await assertReadable(input);
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const sources: ExportSource[] = inputs.map((input) => ({
    name: resolve(input),
    set: setOfManifest(input),
    open: () => readManifestBatches(createReadStream(input, { highWaterMark: 64 * 1024 })),
  }));
  const generatedAt = new Date().toISOString();
  const tally = await exportDataset(options.format, sources, folderTarget(out), {
    generatedAt,
    labelAttributeName: options.labelAttribute,
    minConfidence: options.minConfidence,
    valFraction: options.valFraction,
  });
  const report: ExportReport = {
    format: options.format,
    sources: sources.map(({ name, set }) => ({ path: name, ...(set === undefined ? {} : { set }) })),
    generatedAt,
    lines: tally.lines,
    images: tally.images,
    sets: tally.sets,
    boxesPerLabel: tally.boxesPerLabel,
    rejectedByReason: tally.rejectedByReason,
    rejectedTotal: tally.rejectedTotal,
    rejected: tally.rejected,
  };
  await writeFile(join(out, EXPORT_REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
  if (report.images === 0) {
    throw new NothingExported(
      `no usable line in ${inputs.join(', ')} (${report.lines} read; ${formatReasons(report) || 'empty input'}); see ${join(out, EXPORT_REPORT_FILE)}`,
    );
  }
  return report;
};

const formatReasons = (report: ExportReport): string =>
  Object.entries(report.rejectedByReason)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');

/** A one-screen summary, with the first rejected lines and where to find the rest. */
export const formatExportSummary = (report: ExportReport, out: string): string => {
  const labels = Object.entries(report.boxesPerLabel).map(([name, n]) => `  ${name}: ${n} boxes`);
  const shown = report.rejected
    .slice(0, 10)
    .map((r) => `  ${r.source}:${r.line}${r.box === undefined ? '' : ` box ${r.box}`}: ${r.code}: ${r.message}`);
  const more = report.rejectedTotal - shown.length;
  return [
    `${report.lines} lines read, ${report.images} images exported as ${report.format} (${report.sets.train} train, ${report.sets.val} val)`,
    ...labels,
    ...(shown.length === 0 ? [] : ['dropped lines and boxes:', ...shown]),
    ...(more > 0 ? [`  ... and ${more} more (${formatReasons(report)})`] : []),
    ...(report.sets.val === 0 ? ['warning: the val list is empty'] : []),
    `wrote ${out} (images are referenced, not copied; see ${EXPORT_REPORT_FILE})`,
  ].join('\n');
};

const fraction = (name: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError(`${name} must be a number from 0 to 1`);
  }
  return n;
};

export const registerExport = (program: Command): Command => {
  program
    .command('export')
    .description('Export the boxes of Ground Truth or Rekognition manifests to COCO, YOLO or Pascal VOC')
    .argument('<manifest...>', 'output.manifest of a labeling job, or a dataset train.manifest / test.manifest')
    .addOption(new Option('--format <format>', 'what to write').choices(EXPORT_FORMATS).makeOptionMandatory())
    .requiredOption('--out <dir>', 'folder to write the export to')
    .option('--label-attribute <name>', "label attribute name (default: each line's bounding-box attribute)")
    .option('--min-confidence <c>', 'drop machine labels below this confidence, 0-1', fraction('--min-confidence'))
    .option(
      '--val-fraction <f>',
      'share of images in val for a manifest whose name says neither train nor test/val, 0-1 (default 0.2)',
      fraction('--val-fraction'),
    )
    .addHelpText(
      'after',
      '\nImages are referenced, never copied: copy them with `aws s3 sync s3://<bucket> <dir>/<bucket>`\n' +
        '(YOLO: <out>/images/<bucket>). A manifest named like test or val goes to val, one named like train to train.\n' +
        'Lines are checked as convert checks them; export-report.json lists each dropped line and its reason.',
    )
    .action(async (manifests: string[], options: ExportCommandOptions) => {
      const report = await exportManifestFiles(manifests, options);
      process.stdout.write(`${formatExportSummary(report, resolve(options.out))}\n`);
    });
  return program;
};
