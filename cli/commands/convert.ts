import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { writableLineSink } from '../../functions/conversion/aws/line-sink';
import { createFileSpool } from '../../functions/conversion/aws/spool-file';
import type { DatasetReport } from '../../functions/conversion/contracts/dataset-report';
import { convertOutputManifest } from '../../functions/conversion/rules/dataset-conversion';
import { readManifestBatches } from '../../functions/conversion/rules/line-reader';
import { renderReportHtml } from '../../functions/conversion/rules/report-html';
import { RUN_DEFAULTS } from '../../functions/run/rules/run-plan';

export interface ConvertOptions {
  out: string;
  labelAttribute?: string;
  testFraction?: number;
  minConfidence?: number;
}

/** Raised when the input yields no usable line; the report files are written before. */
export class NoDatasetProduced extends Error {
  override readonly name = 'NoDatasetProduced' as const;
}

const fileSink = (path: string) => writableLineSink(createWriteStream(path));

const assertReadable = async (path: string): Promise<void> => {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new Error(`input manifest not found: ${path}`);
  if (!info.isFile()) throw new Error(`input manifest is not a file: ${path}`);
};

/**
 * Converts a local Ground Truth output manifest into `<out>/train.manifest`, `test.manifest`,
 * `report.json` and `report.html` with the same domain code as the PostProcess Lambda, in
 * constant memory. Throws `NoDatasetProduced` (after writing the report) when no line is usable.
 */
export const convertManifestFile = async (input: string, options: ConvertOptions): Promise<DatasetReport> => {
  await assertReadable(input);
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const spool = await createFileSpool();
  let report: DatasetReport;
  try {
    report = await convertOutputManifest(
      readManifestBatches(createReadStream(input, { highWaterMark: 256 * 1024 })),
      {
        spool,
        openSinks: () => ({ train: fileSink(join(out, 'train.manifest')), test: fileSink(join(out, 'test.manifest')) }),
      },
      {
        source: resolve(input),
        generatedAt: new Date().toISOString(),
        labelAttributeName: options.labelAttribute,
        testFraction: options.testFraction ?? RUN_DEFAULTS.testFraction,
        minConfidence: options.minConfidence ?? RUN_DEFAULTS.minConfidence,
      },
    );
  } finally {
    await spool.dispose();
  }
  await writeFile(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(out, 'report.html'), renderReportHtml(report));
  if (report.accepted === 0) {
    const reasons = Object.entries(report.rejectedByReason)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    throw new NoDatasetProduced(
      `no usable line in ${input} (${report.lines} read; ${reasons || 'empty input'}); see ${join(out, 'report.html')}`,
    );
  }
  return report;
};

/** A one-screen summary of the conversion. */
export const formatSummary = (report: DatasetReport, out: string): string => {
  const labels = Object.entries(report.split)
    .map(([name, c]) => `  ${name}: ${c.train} train / ${c.test} test, ${report.labels[name] ?? 0} boxes`)
    .join('\n');
  const rejected = Object.entries(report.rejectedByReason)
    .map(([code, n]) => `  ${code}: ${n}`)
    .join('\n');
  return [
    `${report.lines} lines read, ${report.accepted} images accepted (${report.train} train, ${report.test} test), ${report.boxes} boxes`,
    `labels:\n${labels}`,
    ...(rejected === '' ? [] : [`dropped lines and boxes:\n${rejected}`]),
    ...report.warnings.map((w) => `warning: ${w}`),
    `wrote ${join(out, 'train.manifest')}, test.manifest, report.json, report.html`,
  ].join('\n');
};

const fraction = (name: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}`);
  }
  return n;
};

export const registerConvert = (program: Command): void => {
  program
    .command('convert')
    .description(
      'Convert a Ground Truth bounding-box output manifest into Rekognition train/test manifests and a report',
    )
    .argument('<manifest>', 'the labeling job output manifest (output.manifest)')
    .requiredOption('--out <dir>', 'folder for train.manifest, test.manifest, report.json and report.html')
    .option('--label-attribute <name>', 'label attribute name (default: detected from the first labeled line)')
    .option('--test-fraction <f>', 'share of each label in test, 0.05-0.5', fraction('--test-fraction', 0.05, 0.5))
    .option(
      '--min-confidence <c>',
      'drop machine labels below this confidence, 0-1',
      fraction('--min-confidence', 0, 1),
    )
    .action(async (manifest: string, options: ConvertOptions) => {
      const report = await convertManifestFile(manifest, options);
      process.stdout.write(`${formatSummary(report, resolve(options.out))}\n`);
    });
};
