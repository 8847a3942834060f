import { createInterface } from 'node:readline';
import { openStream, readJson } from '../../kernel/aws/s3-objects';
import { parseJson } from '../../kernel/parse';
import {
  ImageBatchInput as BatchInputSchema,
  FailedChild,
  type ImageBatchInput,
  ResultManifest as ManifestSchema,
  type ResultManifest,
} from '../contracts/map-results';

/** Reads the map run's `manifest.json`, which lists its result files by child status. */
export const readResultManifest = (bucket: string, key: string): Promise<ResultManifest> =>
  readJson(bucket, key, ManifestSchema);

/** Streams the lines of one result file (JSON Lines), never holding the file. */
export async function* resultLines(bucket: string, key: string): AsyncGenerator<string> {
  const lines = createInterface({ input: await openStream(bucket, key), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) if (line.trim() !== '') yield line;
}

export interface FailedBatch {
  input: ImageBatchInput;
  error: string;
}

/** The failed children of one FAILED file: their input (the keys they held) and their error. */
export async function* failedBatches(bucket: string, key: string): AsyncGenerator<FailedBatch> {
  for await (const line of resultLines(bucket, key)) {
    const child = parseJson(FailedChild, line, `s3://${bucket}/${key}`);
    const input = parseJson(BatchInputSchema, child.Input, `the input of a failed child in s3://${bucket}/${key}`);
    yield { input, error: child.Error ?? 'States.TaskFailed' };
  }
}
