import { Assignment } from './split';

const NEWLINE = 0x0a;
const TAB = 0x09;

/** One chunk of spooled lines, sorted into the bytes each set gets. */
export interface RoutedChunk {
  train: Buffer;
  test: Buffer;
  /** Spooled lines the chunk held (duplicates included). */
  lines: number;
}

/**
 * Sorts a chunk of spooled lines (`<input line>\t<json>\n` each, the chunk ending at a newline)
 * into the train and test bytes by `assignment`, from line index `first`: each kept line is
 * copied as UTF-8, without its prefix, so pass 2 neither decodes nor re-encodes it. A duplicate
 * is handed to `onDuplicate` as text (prefix included), as `LineSpool.replay` would give it.
 */
export const routeSpooledChunk = (
  chunk: Buffer,
  assignment: Uint8Array,
  first: number,
  onDuplicate: (spooled: string) => void,
): RoutedChunk => {
  const train = Buffer.allocUnsafe(chunk.length + 1);
  const test = Buffer.allocUnsafe(chunk.length + 1);
  let trainEnd = 0;
  let testEnd = 0;
  let i = first;
  for (let start = 0; start < chunk.length; i += 1) {
    const newline = chunk.indexOf(NEWLINE, start);
    const end = newline === -1 ? chunk.length : newline;
    const where = assignment[i];
    if (where === Assignment.DUPLICATE) onDuplicate(chunk.toString('utf8', start, end));
    else {
      const from = chunk.indexOf(TAB, start) + 1;
      if (where === Assignment.TEST) {
        testEnd += chunk.copy(test, testEnd, from, end);
        test[testEnd++] = NEWLINE;
      } else {
        trainEnd += chunk.copy(train, trainEnd, from, end);
        train[trainEnd++] = NEWLINE;
      }
    }
    start = end + 1;
  }
  return { train: train.subarray(0, trainEnd), test: test.subarray(0, testEnd), lines: i - first };
};
