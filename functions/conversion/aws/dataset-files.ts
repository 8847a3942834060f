import { putJson, putText, readJsonIfExists } from '../../kernel/aws/s3-objects';
import { InvalidInput } from '../../kernel/errors';
import { logger } from '../../kernel/observability';
import { type RunFile, runFileKey } from '../../kernel/rules/run-files';
import { toS3Uri } from '../../kernel/rules/s3-uri';
import * as z from '../../kernel/schema';
import type { DatasetReport } from '../contracts/dataset-report';
import type { LineSink } from '../rules/dataset-conversion';
import { renderReportHtml } from '../rules/report-html';
import { s3LineSink } from './s3-line-sink';

const MANIFEST_TYPE = 'application/x-ndjson';

/** Any JSON object: the report shows the decisions as the labeling step wrote them. */
const JobDecisions = z.record(z.string(), z.unknown());

type DatasetFile = Extract<RunFile, 'trainManifest' | 'testManifest' | 'datasetReport' | 'datasetReportHtml'>;

/**
 * Where one run's dataset files live: `<runPrefix>/dataset/<name>` in the run's bucket. With the
 * labeling page's URL, the HTML report of a built-in job links to its review page.
 */
export const datasetFiles = (bucket: string, runPrefix: string, links: { portalUrl?: string } = {}) => {
  const key = (file: DatasetFile) => runFileKey(runPrefix, file);
  return {
    uri: (file: DatasetFile) => toS3Uri({ bucket, key: key(file) }),
    /** Multipart uploads of train.manifest and test.manifest, opened only when needed. */
    openSinks: (): { train: LineSink; test: LineSink } => ({
      train: s3LineSink(bucket, key('trainManifest'), MANIFEST_TYPE),
      test: s3LineSink(bucket, key('testManifest'), MANIFEST_TYPE),
    }),
    writeReport: async (report: DatasetReport): Promise<void> => {
      await putJson(bucket, key('datasetReport'), report);
      await putText(bucket, key('datasetReportHtml'), renderReportHtml(report, links), 'text/html; charset=utf-8');
    },
  };
};

/**
 * The labeling step's decisions file (`<runPrefix>/labeling/job.json`), when it wrote one.
 * Optional context for the report: a missing or broken file never blocks the dataset.
 */
export const readJobDecisions = async (
  bucket: string,
  runPrefix: string,
): Promise<Record<string, unknown> | undefined> => {
  const key = runFileKey(runPrefix, 'labelingJob');
  try {
    return await readJsonIfExists(bucket, key, JobDecisions);
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    logger.warn('labeling job file ignored', { key, problem: error.message });
    return undefined;
  }
};
