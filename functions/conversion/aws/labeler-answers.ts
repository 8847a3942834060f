import { createInterface } from 'node:readline';
import { getText, listObjects, openStream } from '../../kernel/aws/s3-objects';
import { logger } from '../../kernel/observability';
import { parseS3Uri } from '../../kernel/rules/s3-uri';
import { workerResponseIndex, workerResponsesOfManifest } from '../../labeling/contracts/labeling-output/layout';
import type { LabelerFigures } from '../contracts/dataset-report';
import { consolidatedBoxesOf, createLabelerTally, workerAnswersOf } from '../rules/labeler-figures';

const CONCURRENCY = 32;

/**
 * Per-labeler figures of a job that left worker responses, or `undefined` when it left none (the
 * report then stays as it was). Reads the output manifest once more for the consolidated boxes,
 * then every worker response, 32 at a time.
 */
export const readLabelerFigures = async (
  outputManifestUri: string,
  attribute: string,
): Promise<LabelerFigures[] | undefined> => {
  const where = workerResponsesOfManifest(outputManifestUri);
  if (where === undefined) return undefined;
  const keys: { index: number; key: string }[] = [];
  for await (const object of listObjects(where.bucket, where.prefix)) {
    const index = workerResponseIndex(object.key);
    if (index !== undefined) keys.push({ index, key: object.key });
  }
  if (keys.length === 0) return undefined;
  const consolidated = new Map<number, ReturnType<typeof consolidatedBoxesOf>>();
  const manifest = parseS3Uri(outputManifestUri);
  let index = 0;
  for await (const line of createInterface({
    input: await openStream(manifest.bucket, manifest.key),
    crlfDelay: Infinity,
  })) {
    if (line.trim() === '') continue;
    try {
      consolidated.set(index, consolidatedBoxesOf(JSON.parse(line), attribute));
    } catch {
      // A broken line is already reported by the conversion; it has no consolidated boxes here.
    }
    index += 1;
  }
  const tally = createLabelerTally();
  for (let i = 0; i < keys.length; i += CONCURRENCY) {
    const batch = keys.slice(i, i + CONCURRENCY);
    const documents = await Promise.all(batch.map(async ({ key }) => JSON.parse(await getText(where.bucket, key))));
    batch.forEach(({ index: at }, n) => {
      tally.add(consolidated.get(at) ?? [], workerAnswersOf(documents[n]));
    });
  }
  logger.info('labeler figures read', { responses: keys.length });
  return tally.result();
};
