import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { writableLineSink } from '../../functions/conversion/aws/line-sink';
import { createFileSpool, FILE_HIGH_WATER_MARK } from '../../functions/conversion/aws/spool-file';
import type { DatasetReport } from '../../functions/conversion/contracts/dataset-report';
import { convertOutputManifest } from '../../functions/conversion/rules/dataset-conversion';
import { readManifestBatches } from '../../functions/conversion/rules/line-reader';
import { type DatasetLimits, datasetLimits } from '../../functions/conversion/rules/rekognition-rules';
import { renderReportHtml } from '../../functions/conversion/rules/report-html';
import { plural } from '../../functions/kernel/rules/plural';
import { RUN_DEFAULTS } from '../../functions/run/rules/run-plan';
import { parseRegion } from '../region-name';

export interface ConvertOptions {
  out: string;
  labelAttribute?: string;
  bucket?: string;
  testFraction?: number;
  minConfidence?: number;
  /** Write the manifests even when the test set is empty. */
  allowEmptyTest?: boolean;
  /** The region whose Rekognition dataset limits apply (default: AWS_REGION, else those of most regions). */
  region?: string;
  /** Overrides the limits outright (the benchmark lifts them to measure a 1,000,000-line conversion). */
  limits?: DatasetLimits;
}

/** Raised when the input yields no usable line; the report files are written before. */
export class NoDatasetProduced extends Error {
  override readonly name = 'NoDatasetProduced' as const;
}

/** Raised when the usable lines would make manifests Rekognition refuses; the report is written before. */
export class DatasetRefused extends Error {
  override readonly name = 'DatasetRefused' as const;
}

const fileSink = (path: string) =>
  writableLineSink(createWriteStream(path, { highWaterMark: FILE_HIGH_WATER_MARK }), { recycle: true });

const OUTPUT_FILES = ['train.manifest', 'test.manifest', 'report.json', 'report.html'] as const;

const assertReadable = async (path: string): Promise<void> => {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new Error(`input manifest not found: ${path}`);
  if (!info.isFile()) throw new Error(`input manifest is not a file: ${path}`);
};

/**
 * Refuses an input that is one of the files the conversion writes in `out` (by inode, so a
 * link or another spelling of the path is caught too): it would be overwritten while read.
 */
const assertNotAnOutput = async (input: string, out: string): Promise<void> => {
  const source = await stat(input);
  for (const name of OUTPUT_FILES) {
    const target = await stat(join(out, name)).catch(() => undefined);
    if (target !== undefined && target.dev === source.dev && target.ino === source.ino) {
      throw new Error(
        `the input ${input} is ${join(out, name)}, which convert writes: choose another --out folder (nothing was written)`,
      );
    }
  }
};

/**
 * Converts a local Ground Truth output manifest into `<out>/train.manifest`, `test.manifest`,
 * `report.json` and `report.html` with the same domain code as the PostProcess Lambda, in
 * constant memory. The label attribute and bucket are the given ones, or those of most lines.
 * Throws `NoDatasetProduced` when no line is usable, and `DatasetRefused` when the manifests
 * would break a Rekognition limit or the test set would be empty (unless `allowEmptyTest`);
 * both after writing the report, neither after writing a manifest.
 */
export const convertManifestFile = async (input: string, options: ConvertOptions): Promise<DatasetReport> => {
  await assertReadable(input);
  const out = resolve(options.out);
  await assertNotAnOutput(input, out);
  await mkdir(out, { recursive: true });
  const spool = await createFileSpool();
  let report: DatasetReport;
  try {
    report = await convertOutputManifest(
      () => readManifestBatches(createReadStream(input, { highWaterMark: 64 * 1024 })),
      {
        spool,
        openSinks: () => ({ train: fileSink(join(out, 'train.manifest')), test: fileSink(join(out, 'test.manifest')) }),
      },
      {
        source: resolve(input),
        generatedAt: new Date().toISOString(),
        labelAttributeName: options.labelAttribute,
        expectedBucket: options.bucket,
        testFraction: options.testFraction ?? RUN_DEFAULTS.testFraction,
        minConfidence: options.minConfidence ?? RUN_DEFAULTS.minConfidence,
        allowEmptyTest: options.allowEmptyTest === true,
        limits: options.limits ?? datasetLimits(options.region ?? process.env.AWS_REGION),
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
      [
        `no usable line in ${input} (${report.lines} read; ${reasons || 'empty input'}); see ${join(out, 'report.html')}`,
        ...report.warnings.map((w) => `  ${w}`),
      ].join('\n'),
    );
  }
  if (report.blockers.length > 0) {
    const emptyTest = report.blockers.some((b) => b.code === 'ERROR_EMPTY_MANIFEST');
    throw new DatasetRefused(
      [
        `no manifest written: Rekognition would refuse the dataset from ${input}`,
        ...report.blockers.map((b) => `  ${b.code}: ${b.message}`),
        ...(emptyTest ? ['  (pass --allow-empty-test to write train.manifest and an empty test.manifest anyway)'] : []),
        `see ${join(out, 'report.html')}`,
      ].join('\n'),
    );
  }
  return report;
};

/** A one-screen summary of the conversion. */
export const formatSummary = (report: DatasetReport, out: string): string => {
  const labels = Object.entries(report.split)
    .map(
      ([name, c]) =>
        `  ${name}: ${c.train} train / ${c.test} test, ${plural(report.labels[name] ?? 0, 'box', 'boxes')}`,
    )
    .join('\n');
  const rejected = Object.entries(report.rejectedByReason)
    .map(([code, n]) => `  ${code}: ${n}`)
    .join('\n');
  return [
    `${plural(report.lines, 'line')} read, ${plural(report.accepted, 'image')} accepted (${report.train} train, ${report.test} test), ${plural(report.boxes, 'box', 'boxes')}`,
    `label attribute ${report.labelAttributeName ?? '-'}, images in s3://${report.bucket ?? '-'}/`,
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

export const registerConvert = (program: Command): Command => {
  program
    .command('convert')
    .description(
      'Convert a Ground Truth bounding-box output manifest into Rekognition train/test manifests and a report',
    )
    .argument('<manifest>', 'the labeling job output manifest (output.manifest)')
    .requiredOption('--out <dir>', 'folder for train.manifest, test.manifest, report.json and report.html')
    .option(
      '--label-attribute <name>',
      'label attribute name (default: the one most labeled lines use); lines labeled under another are left out',
    )
    .option(
      '--bucket <name>',
      "the images' S3 bucket (default: the one most labeled lines point to); Rekognition takes one bucket per dataset, so lines in another are left out",
    )
    .option('--test-fraction <f>', 'share of each label in test, 0.05-0.5', fraction('--test-fraction', 0.05, 0.5))
    .option(
      '--min-confidence <c>',
      'drop machine labels below this confidence, 0-1',
      fraction('--min-confidence', 0, 1),
    )
    .option(
      '--allow-empty-test',
      'write the manifests even when the test set is empty (by default that is an error: Rekognition needs a test dataset)',
    )
    .option(
      '--region <name>',
      "apply this region's Rekognition dataset limits (default: $AWS_REGION); ap-south-1 and eu-west-2 hold 28,000 train / 7,000 test images, others 250,000 lines per manifest",
      parseRegion,
    )
    .addHelpText(
      'after',
      '\nExits 1, writing report.json and report.html but no manifest, when no line is usable, when a manifest would exceed\n' +
        "Rekognition's limits (250,000 lines or 1 GB per manifest), or when the test set would be empty (see --allow-empty-test).\n" +
        'An input that is one of the files written to --out is refused before anything is written.',
    )
    .action(async (manifest: string, options: ConvertOptions) => {
      const report = await convertManifestFile(manifest, options);
      process.stdout.write(`${formatSummary(report, resolve(options.out))}\n`);
    });
  return program;
};
