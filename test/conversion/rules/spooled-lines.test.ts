import { Assignment } from '../../../functions/conversion/rules/split';
import { routeSpooledChunk } from '../../../functions/conversion/rules/spooled-lines';

const spooled = (lines: [number, string][]) => Buffer.from(lines.map(([n, text]) => `${n}\t${text}\n`).join(''));

describe('routeSpooledChunk', () => {
  it('copies each line without its prefix to its set, and hands duplicates over as text', () => {
    const chunk = spooled([
      [1, '{"a":"é"}'],
      [3, '{"b":2}'],
      [4, '{"c":3}'],
      [7, '{"d":"☕"}'],
    ]);
    const duplicates: string[] = [];
    const assignment = Uint8Array.of(
      Assignment.TRAIN,
      Assignment.TRAIN,
      Assignment.TEST,
      Assignment.DUPLICATE,
      Assignment.TRAIN,
    );

    const routed = routeSpooledChunk(chunk, assignment, 1, (text) => duplicates.push(text));

    expect(routed.lines).toBe(4);
    expect(routed.train.toString()).toBe('{"a":"é"}\n{"d":"☕"}\n');
    expect(routed.test.toString()).toBe('{"b":2}\n');
    expect(duplicates).toEqual(['4\t{"c":3}']);
  });

  it('ends the last line with a newline even when the chunk lacks one', () => {
    const routed = routeSpooledChunk(Buffer.from('5\t{"a":1}'), Uint8Array.of(Assignment.TEST), 0, () => undefined);

    expect(routed.test.toString()).toBe('{"a":1}\n');
    expect(routed.train.length).toBe(0);
  });
});
