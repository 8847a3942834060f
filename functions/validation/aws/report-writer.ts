import { Readable } from 'node:stream';
import { uploadStream } from '../../kernel/aws/s3-objects';
import { parseJson } from '../../kernel/parse';
import { InspectedLine } from '../contracts/map-results';
import type { ImageVerdict, ValidationReport, ValidationTotals } from '../contracts/validation-report';
import { exampleLine, exampleVerdict, isExampleKey } from '../rules/batch-examples';
import { isBatchObject } from '../rules/batch-inspection';
import { notCheckedObject, ResultIndex } from '../rules/result-index';
import { streamedReportChunks, verdictOf } from '../rules/validation-report';
import type { FailedBatch } from './map-results';
import { createResultSpool, type ResultSpool } from './result-spool';

export interface ReduceInput {
  head: Omit<ValidationReport, 'images' | 'totals'>;
  reportKey: string;
  /** The succeeded children's inspected objects, one JSON line each, in any order. */
  succeeded: AsyncIterable<string>;
  /** The failed children (tolerated by the map): their objects are reported NOT_CHECKED. */
  failed: AsyncIterable<FailedBatch>;
}

export interface ReduceOutput {
  totals: ValidationTotals;
  failedBatches: number;
}

const spoolAll = async (input: ReduceInput, spool: ResultSpool, index: ResultIndex): Promise<number> => {
  for await (const line of input.succeeded) {
    const object = parseJson(InspectedLine, line, 'a validation result line');
    const { offset, length } = await spool.append(line);
    index.add(object, offset, length);
  }
  let failedBatches = 0;
  for await (const { input: batch, error } of input.failed) {
    failedBatches += 1;
    const { prefix, exampleKeys } = batch.BatchInput;
    const examples = new Set(exampleKeys);
    for (const item of batch.Items) {
      if (!isBatchObject(prefix, item.Key)) continue;
      // An example is never read, so its failed batch changes nothing for it.
      const object = isExampleKey(prefix, item.Key, examples)
        ? exampleLine({ key: item.Key, size: item.Size, ...(item.Etag === undefined ? {} : { etag: item.Etag }) })
        : notCheckedObject(item.Key, item.Size, item.Etag, error);
      const { offset, length } = await spool.append(JSON.stringify(object));
      index.add(object, offset, length);
    }
  }
  return failedBatches;
};

async function* verdicts(index: ResultIndex, spool: ResultSpool): AsyncGenerator<ImageVerdict> {
  const ordered = index.ordered();
  let i = 0;
  for await (const line of spool.readAt(ordered)) {
    const entry = ordered[i++];
    if (entry === undefined) return;
    const object = parseJson(InspectedLine, line, 'a spooled validation result');
    yield object.example
      ? exampleVerdict({
          key: object.key,
          size: object.inspection.bytes,
          ...(object.etag === undefined ? {} : { etag: object.etag }),
        })
      : verdictOf(object, index.originalOf(entry));
  }
}

/**
 * The reduce step: streams the map's results into `validation.json` (same contract as one Lambda
 * wrote it: every object in listing order, DUPLICATE on later copies). Memory holds the index
 * (key, spool position, reason codes per object), never the inspections.
 */
export const reduceResults = async (input: ReduceInput): Promise<ReduceOutput> => {
  const spool = await createResultSpool();
  try {
    const index = new ResultIndex();
    const failedBatches = await spoolAll(input, spool, index);
    const totals = index.totals();
    const { bucket } = input.head;
    const chunks = streamedReportChunks({ ...input.head, totals }, verdicts(index, spool));
    await uploadStream(bucket, input.reportKey, Readable.from(chunks), 'application/json');
    return { totals, failedBatches };
  } finally {
    await spool.dispose();
  }
};
