import { getTextIfExists } from '../../kernel/aws/s3-objects';
import { loadSettings } from '../../kernel/config';
import { InvalidInput } from '../../kernel/errors';
import { eventConsumer, logger } from '../../kernel/observability';
import { parseJson, parseOrThrow } from '../../kernel/parse';
import { executionNameForUpload } from '../../kernel/rules/run-id';
import { checkLabels } from '../../labeling/contracts/labels';
import { type StartOutcome, startExecution } from '../aws/executions';
import { ObjectCreatedEvent } from '../contracts/batch-upload-event';
import { BatchFile, type ExecutionInput } from '../contracts/execution-input';
import { batchPrefixOf, formDecodedKey } from '../rules/batch-trigger';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['STATE_MACHINE_ARN'] as const;
const settings = loadSettings(SETTINGS);

type Ignored = { started: false; reason: 'not-a-batch-file' };

/** Reads batch.json under the raw key, else the form-decoded one; returns the key that exists. */
const readBatchFile = async (bucket: string, key: string): Promise<{ key: string; text: string }> => {
  for (const candidate of [key, formDecodedKey(key)]) {
    if (candidate === undefined) continue;
    const text = await getTextIfExists(bucket, candidate);
    if (text !== undefined) return { key: candidate, text };
  }
  throw new InvalidInput(`s3://${bucket}/${key}: batch.json no longer exists`, { bucket, key });
};

/** Labels get PrepareRun's own rules here, so a batch.json PrepareRun would refuse starts nothing. */
const checkBatchLabels = (bucket: string, key: string, options: BatchFile): void => {
  if (options.labels === undefined) return;
  try {
    checkLabels(options.labels);
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    throw new InvalidInput(`s3://${bucket}/${key}: labels: ${error.message}`, { bucket, key, field: 'labels' });
  }
};

/**
 * An empty batch.json means "all defaults"; anything else must be a JSON object of run options.
 * A leading UTF-8 byte-order mark (what some editors write) is not part of the JSON.
 */
const parseBatchFile = (bucket: string, key: string, raw: string): BatchFile => {
  const text = raw.replace(/^\uFEFF/, '');
  if (text.trim() === '') return {};
  const options = parseJson(BatchFile, text, `s3://${bucket}/${key}`);
  checkBatchLabels(bucket, key, options);
  return options;
};

export const startPipeline = async (event: unknown): Promise<StartOutcome | Ignored> => {
  const { detail } = parseOrThrow(ObjectCreatedEvent, event, 'S3 Object Created event');
  const bucket = detail.bucket.name;
  const found = await readBatchFile(bucket, detail.object.key);
  const prefix = batchPrefixOf(found.key);
  if (prefix === undefined) {
    logger.warn('ignored object that is not a batch.json', { bucket, key: found.key });
    return { started: false, reason: 'not-a-batch-file' };
  }
  const options = parseBatchFile(bucket, found.key, found.text);
  const version = detail.object.sequencer ?? detail.object.etag ?? '';
  const input: ExecutionInput = {
    bucket,
    prefix,
    ...options,
    trigger: { source: 's3', key: found.key, sequencer: detail.object.sequencer, etag: detail.object.etag },
  };
  const name = executionNameForUpload({ bucket, key: found.key, version });
  const outcome = await startExecution(settings.STATE_MACHINE_ARN, name, input);
  logger.info(outcome.started ? 'run started' : 'duplicate trigger ignored', { executionName: name, prefix });
  return outcome;
};

export const handler = eventConsumer(startPipeline);
