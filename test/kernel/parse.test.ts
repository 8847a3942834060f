import { InvalidInput } from '../../functions/kernel/errors';
import { parseJson, parseOrThrow } from '../../functions/kernel/parse';
import * as z from '../../functions/kernel/schema';

const Options = z.object({ labels: z.array(z.string().check(z.maxLength(3))), workers: z.number() });

describe('parse', () => {
  it('returns the parsed value when it meets the contract', () => {
    expect(parseJson(Options, '{"labels":["a"],"workers":3}', 'batch.json')).toEqual({ labels: ['a'], workers: 3 });
  });

  it('names what is not JSON, with the parser message', () => {
    expect(() => parseJson(Options, '{"labels":', 'batch.json')).toThrow(
      expect.objectContaining({
        name: 'InvalidInput',
        message: expect.stringMatching(/^batch\.json is not valid JSON: /),
      }),
    );
  });

  it('names every field that breaks the contract', () => {
    const failure = () => parseOrThrow(Options, { labels: ['abcd'], workers: 'x' }, 'input');

    expect(failure).toThrow(InvalidInput);
    expect(failure).toThrow(/^input is invalid: labels\.0: .*; workers: /);
  });
});
