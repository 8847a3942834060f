import { ImageReason } from '../../kernel/rules/reason-codes';
import type { ImageVerdict } from '../contracts/validation-report';
import { batchListPrefix } from './batch-inspection';

/** The folder of a batch whose files are the instructions' examples, whether or not batch.json names them. */
export const EXAMPLES_FOLDER = 'examples/';

/**
 * Whether a listed key is one of the batch's example images: a key batch.json's `examples` names,
 * or anything under the batch's `examples/` folder. Examples illustrate the instructions; labeling
 * one would put the instructions' own picture into the dataset.
 */
export const isExampleKey = (prefix: string, key: string, exampleKeys: ReadonlySet<string>): boolean =>
  exampleKeys.has(key) || key.startsWith(`${batchListPrefix(prefix)}${EXAMPLES_FOLDER}`);

/** Splits the listed objects into the images to inspect and the examples to skip (never read). */
export const partitionExamples = <T extends { key: string }>(
  prefix: string,
  objects: readonly T[],
  examples: readonly { key: string }[] = [],
): { images: T[]; examples: T[] } => {
  const named = new Set(examples.map((e) => e.key));
  const images: T[] = [];
  const skipped: T[] = [];
  for (const object of objects) (isExampleKey(prefix, object.key, named) ? skipped : images).push(object);
  return { images, examples: skipped };
};

/** The report's entry for an example: skipped, with EXAMPLE_IMAGE as its reason; it is not read. */
export const exampleVerdict = ({ key, size, etag }: { key: string; size: number; etag?: string }): ImageVerdict => ({
  key,
  verdict: 'skipped',
  format: null,
  width: null,
  height: null,
  bytes: size,
  ...(etag === undefined ? {} : { etag }),
  reasons: [
    {
      code: ImageReason.EXAMPLE_IMAGE,
      message: 'an example of the instructions (batch.json examples or the examples/ folder): shown, never labeled',
    },
  ],
});

/** An example as the validation map's child reports it: marked, not inspected (see `exampleVerdict`). */
export const exampleLine = ({ key, size, etag }: { key: string; size: number; etag?: string }) => ({
  key,
  ...(etag === undefined ? {} : { etag }),
  example: true as const,
  inspection: { format: null, width: null, height: null, orientation: null, bytes: size, reasons: [] },
});
