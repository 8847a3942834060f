import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { openStream } from '../../kernel/aws/s3-objects';
import { loadSettings } from '../../kernel/config';
import { type DatasetSummary, LabelingResult, RunContext } from '../../kernel/contracts/step-io';
import { DatasetCreationFailed, InvalidInput, NoUsableLabels } from '../../kernel/errors';
import { logger, metrics, pipelineStep } from '../../kernel/observability';
import { runFileKey } from '../../kernel/rules/run-files';
import { parseS3Uri } from '../../kernel/rules/s3-uri';
import * as z from '../../kernel/schema';
import { datasetFiles, readJobDecisions } from '../aws/dataset-files';
import { runExportTarget, s3ExportSource } from '../aws/export-target';
import { readLabelerFigures } from '../aws/labeler-answers';
import { createFileSpool } from '../aws/spool-file';
import type { DatasetReport } from '../contracts/dataset-report';
import { convertOutputManifest } from '../rules/dataset-conversion';
import { exportDataset } from '../rules/export-dataset';
import { readManifestBatches } from '../rules/line-reader';
import { datasetLimits } from '../rules/rekognition-rules';

/**
 * The environment variables this function reads: the region, for Rekognition's dataset limits
 * there, and the labeling page's URL, for the report's link to a built-in job's review page.
 */
export const SETTINGS = ['AWS_REGION', 'PORTAL_URL'] as const;
const settings = loadSettings(SETTINGS);

export const PostProcessInput = z.object({
  run: z.pick(RunContext, {
    runId: true,
    bucket: true,
    runPrefix: true,
    labels: true,
    labelAttributeName: true,
    testFraction: true,
    minConfidence: true,
    exports: true,
  }),
  labeling: z.pick(LabelingResult, { jobName: true, outputManifestS3Uri: true, labelCounters: true }),
});
export type PostProcessInput = z.infer<typeof PostProcessInput>;

const sourceOf = (uri: string) => {
  try {
    return parseS3Uri(uri);
  } catch {
    throw new InvalidInput(`labeling.outputManifestS3Uri must be an s3:// URI, got ${JSON.stringify(uri)}`);
  }
};

/** Per-image objects put at once: an export of 250,000 images is that many PUTs. */
const EXPORT_WRITE_CONCURRENCY = 64;

/**
 * Writes the label formats the run asked for (batch.json `"exports"`) from the manifests just
 * written, each to `<runPrefix>dataset/<format>/`; returns each one's folder.
 */
const writeExports = async (run: PostProcessInput['run']): Promise<Pick<DatasetSummary, 'exports'>> => {
  if (run.exports === undefined || run.exports.length === 0) return {};
  const sources = [
    s3ExportSource(run.bucket, runFileKey(run.runPrefix, 'trainManifest'), 'train'),
    s3ExportSource(run.bucket, runFileKey(run.runPrefix, 'testManifest'), 'val'),
  ];
  const folders: Record<string, string> = {};
  for (const format of run.exports) {
    const { target, uri } = runExportTarget(run.bucket, run.runPrefix, format);
    const tally = await exportDataset(format, sources, target, {
      generatedAt: new Date().toISOString(),
      labels: run.labels,
      labelAttributeName: run.labelAttributeName,
      writeConcurrency: EXPORT_WRITE_CONCURRENCY,
    });
    const { images, rejectedTotal, rejectedByReason } = tally;
    if (rejectedTotal > 0) logger.warn('export left lines out', { format, rejectedByReason });
    logger.info('dataset exported', { format, images, uri });
    folders[format] = uri;
  }
  return { exports: folders };
};

/**
 * Streams the job's output manifest into `runs/<runId>/dataset/{train,test}.manifest` and the
 * report, with the same conversion as `labeling-pipeline convert`: the run's label attribute and
 * bucket, and Rekognition's limits for this region. A dataset Rekognition would refuse (over a
 * limit, or with an empty test set) gets its report but no manifest, and fails the run with
 * DatasetCreationFailed, the error CreateDataset would end it with. Exports come last, from the
 * written manifests, so they hold exactly the dataset's images.
 */
export const postProcess = async ({ run, labeling }: PostProcessInput): Promise<DatasetSummary> => {
  const source = sourceOf(labeling.outputManifestS3Uri);
  const files = datasetFiles(run.bucket, run.runPrefix, settings.PORTAL_URL ? { portalUrl: settings.PORTAL_URL } : {});
  const labelingJob = await readJobDecisions(run.bucket, run.runPrefix);
  const body = await openStream(source.bucket, source.key);
  let opened = false;
  // The attribute and bucket are given, so the input is read once; a second read opens a new stream.
  async function* open() {
    yield* readManifestBatches(opened ? await openStream(source.bucket, source.key) : body);
    opened = true;
  }
  const spool = await createFileSpool();
  const report = await convertOutputManifest(
    open,
    { spool, openSinks: files.openSinks },
    {
      source: labeling.outputManifestS3Uri,
      generatedAt: new Date().toISOString(),
      labelAttributeName: run.labelAttributeName,
      expectedBucket: run.bucket,
      labels: run.labels,
      testFraction: run.testFraction,
      minConfidence: run.minConfidence,
      labelCounters: labeling.labelCounters,
      labelingJob,
      limits: datasetLimits(settings.AWS_REGION),
    },
  ).finally(() => spool.dispose());
  const labelers = await readLabelerFigures(
    labeling.outputManifestS3Uri,
    report.labelAttributeName ?? run.labelAttributeName,
  );
  if (labelers !== undefined) report.labelers = labelers;
  await files.writeReport(report);
  const { lines, accepted, rejectedLines, boxes, train, test, rejectedByReason } = report;
  logger.info('dataset converted', { lines, accepted, rejectedLines, boxes, train, test, rejectedByReason });
  metrics.addMetric('DatasetImages', MetricUnit.Count, accepted);
  if (accepted === 0) {
    throw new NoUsableLabels(
      `none of the ${lines} lines of ${labeling.outputManifestS3Uri} can go into a Rekognition dataset; see ${files.uri('datasetReport')} (or report.html) for each line's reason`,
      { reportUri: files.uri('datasetReport'), rejectedByReason },
    );
  }
  if (report.blockers.length > 0) {
    throw new DatasetCreationFailed(
      `no manifest was written: ${report.blockers.map((b) => `${b.code}: ${b.message}`).join('; ')} (see ${files.uri('datasetReport')})`,
      { reportUri: files.uri('datasetReport'), blockers: report.blockers },
    );
  }
  return { ...summaryOf(report, files), ...(await writeExports(run)) };
};

/** What later states need of the conversion: counts and the files' URIs. */
const summaryOf = (report: DatasetReport, files: ReturnType<typeof datasetFiles>): DatasetSummary => ({
  trainManifestUri: files.uri('trainManifest'),
  testManifestUri: files.uri('testManifest'),
  reportUri: files.uri('datasetReport'),
  reportHtmlUri: files.uri('datasetReportHtml'),
  lines: report.lines,
  accepted: report.accepted,
  rejected: report.rejectedLines,
  boxes: report.boxes,
  labels: Object.keys(report.labels).length,
  train: report.train,
  test: report.test,
});

export const handler = pipelineStep(PostProcessInput, postProcess);
