import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { s3LineSink } from '../shared/aws/s3-line-sink';
import { getTextIfExists, openStream, putJson, putText } from '../shared/aws/s3-objects';
import type { DatasetReport } from '../shared/contracts/dataset-report';
import { type DatasetSummary, LabelingResult, RunContext } from '../shared/contracts/step-io';
import { convertOutputManifest } from '../shared/domain/dataset-conversion';
import { readManifestBatches } from '../shared/domain/line-reader';
import { renderReportHtml } from '../shared/domain/report-html';
import { joinKey, parseS3Uri, toS3Uri } from '../shared/domain/s3-uri';
import { InvalidInput, NoUsableLabels } from '../shared/errors';
import { logger, metrics, pipelineStep } from '../shared/observability';
import { createFileSpool } from '../shared/streams/spool-file';

export const PostProcessInput = z.object({
  run: RunContext.pick({
    runId: true,
    bucket: true,
    runPrefix: true,
    labels: true,
    labelAttributeName: true,
    testFraction: true,
    minConfidence: true,
  }),
  labeling: LabelingResult.pick({ jobName: true, outputManifestS3Uri: true, labelCounters: true }),
});
export type PostProcessInput = z.infer<typeof PostProcessInput>;

const MANIFEST_TYPE = 'application/x-ndjson';

/** The labeling step's decisions file, when it wrote one (optional context for the report). */
const readJobDecisions = async (bucket: string, key: string): Promise<Record<string, unknown> | undefined> => {
  const text = await getTextIfExists(bucket, key);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: a broken decisions file must not block the dataset
  }
  logger.warn('labeling job file ignored', { key });
  return undefined;
};

const sourceOf = (uri: string) => {
  try {
    return parseS3Uri(uri);
  } catch {
    throw new InvalidInput(`labeling.outputManifestS3Uri must be an s3:// URI, got ${JSON.stringify(uri)}`);
  }
};

/** Streams the job's output manifest into `runs/<runId>/dataset/{train,test}.manifest` and the report. */
export const postProcess = async ({ run, labeling }: PostProcessInput): Promise<DatasetSummary> => {
  const source = sourceOf(labeling.outputManifestS3Uri);
  const key = (name: string) => joinKey(joinKey(run.runPrefix, 'dataset'), name);
  const uri = (name: string) => toS3Uri({ bucket: run.bucket, key: key(name) });
  const labelingJob = await readJobDecisions(run.bucket, joinKey(run.runPrefix, 'labeling/job.json'));
  const spool = await createFileSpool();
  let report: DatasetReport;
  try {
    const body = await openStream(source.bucket, source.key);
    report = await convertOutputManifest(
      readManifestBatches(body),
      {
        spool,
        openSinks: () => ({
          train: s3LineSink(run.bucket, key('train.manifest'), MANIFEST_TYPE),
          test: s3LineSink(run.bucket, key('test.manifest'), MANIFEST_TYPE),
        }),
      },
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
      },
    );
  } finally {
    await spool.dispose();
  }
  await putJson(run.bucket, key('report.json'), report);
  await putText(run.bucket, key('report.html'), renderReportHtml(report), 'text/html; charset=utf-8');
  const { lines, accepted, rejectedLines, boxes, train, test, rejectedByReason } = report;
  logger.info('dataset converted', { lines, accepted, rejectedLines, boxes, train, test, rejectedByReason });
  metrics.addMetric('DatasetImages', MetricUnit.Count, accepted);
  if (accepted === 0) {
    throw new NoUsableLabels(
      `none of the ${lines} lines of ${labeling.outputManifestS3Uri} can go into a Rekognition dataset; see ${uri('report.json')} (or report.html) for each line's reason`,
      { reportUri: uri('report.json'), rejectedByReason },
    );
  }
  return {
    trainManifestUri: uri('train.manifest'),
    testManifestUri: uri('test.manifest'),
    reportUri: uri('report.json'),
    reportHtmlUri: uri('report.html'),
    lines,
    accepted,
    rejected: rejectedLines,
    boxes,
    labels: Object.keys(report.labels).length,
    train,
    test,
  };
};

export const handler = pipelineStep(PostProcessInput, postProcess);
