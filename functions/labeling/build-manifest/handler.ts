import { Readable } from 'node:stream';
import { putJson, readJson, uploadStream } from '../../kernel/aws/s3-objects';
import type { SettingName } from '../../kernel/config';
import { type ManifestSummary, RunContext, ValidationSummary } from '../../kernel/contracts/step-io';
import { NoValidImages } from '../../kernel/errors';
import { logger, pipelineStep } from '../../kernel/observability';
import { runFileKey } from '../../kernel/rules/run-files';
import { parseS3Uri, toS3Uri } from '../../kernel/rules/s3-uri';
import * as z from '../../kernel/schema';
import { acceptedKeys, ValidationReport } from '../../validation/contracts/validation-report';
import { checkLabels } from '../contracts/labels';
import { labelCategoryConfig, manifestLines } from '../rules/input-manifest';

/** The environment variables this function reads (none: it works from its input alone). */
export const SETTINGS: readonly SettingName[] = [];

export const BuildManifestInput = z.object({
  run: z.pick(RunContext, { runId: true, bucket: true, runPrefix: true, labels: true }),
  validation: z.pick(ValidationSummary, { reportUri: true }),
});
export type BuildManifestInput = z.infer<typeof BuildManifestInput>;

/**
 * Writes the Ground Truth input manifest (one line per accepted image, streamed) and the label
 * category configuration under `runs/<runId>/labeling/`.
 */
export const buildManifest = async ({ run, validation }: BuildManifestInput): Promise<ManifestSummary> => {
  const labels = checkLabels(run.labels);
  const reportAt = parseS3Uri(validation.reportUri);
  const report = await readJson(reportAt.bucket, reportAt.key, ValidationReport, 'validation.json');
  const keys = acceptedKeys(report);
  if (keys.length === 0) {
    throw new NoValidImages(`validation rejected all ${report.totals.total} objects; see ${validation.reportUri}`);
  }
  const manifestKey = runFileKey(run.runPrefix, 'inputManifest');
  const categoriesKey = runFileKey(run.runPrefix, 'labelCategories');
  await uploadStream(
    run.bucket,
    manifestKey,
    Readable.from(manifestLines(report.bucket, keys)),
    'application/jsonlines',
  );
  await putJson(run.bucket, categoriesKey, labelCategoryConfig(labels));
  logger.info('manifest written', { objects: keys.length, labels: labels.length });
  return {
    manifestUri: toS3Uri({ bucket: run.bucket, key: manifestKey }),
    labelCategoryConfigUri: toS3Uri({ bucket: run.bucket, key: categoriesKey }),
    objects: keys.length,
  };
};

export const handler = pipelineStep(BuildManifestInput, buildManifest);
