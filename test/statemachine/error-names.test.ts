import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import * as errors from '../../functions/kernel/errors';
import { PIPELINE_ERROR_NAMES } from '../../functions/kernel/errors';
import { ASL_PATH } from '../../local-runtime/stack/asl-loader';

type State = {
  Type: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[] }[];
  Parameters?: Record<string, unknown>;
};

const states = Object.entries((parse(readFileSync(ASL_PATH, 'utf8')) as { States: Record<string, State> }).States);
const retried = states.flatMap(([, s]) => (s.Retry ?? []).flatMap((r) => r.ErrorEquals));
const caught = states.flatMap(([, s]) => (s.Catch ?? []).flatMap((c) => c.ErrorEquals));
const raisedByAsl = states.map(([, s]) => s.Parameters?.Error).filter((e): e is string => typeof e === 'string');

describe('error names', () => {
  it('gives every error class a literal name that is listed in PIPELINE_ERROR_NAMES', () => {
    const classes = Object.values(errors as Record<string, unknown>).filter(
      (v): v is new (m: string) => Error => typeof v === 'function',
    );

    const names = classes.map((Cls) => new Cls('x').name).sort();

    expect(names).toEqual([...PIPELINE_ERROR_NAMES].sort());
  });

  it('never retries a pipeline error: Retry lists only transient errors', () => {
    for (const name of PIPELINE_ERROR_NAMES) expect(retried).not.toContain(name);
  });

  it('names only known errors in ErrorEquals and in the ASL-raised errors', () => {
    const known = new Set<string>([...PIPELINE_ERROR_NAMES, 'States.ALL', 'States.Timeout']);
    const transient = new Set(retried);

    for (const name of [...caught, ...raisedByAsl]) expect(known.has(name) || transient.has(name)).toBe(true);
  });

  it('catches every error of every Task state', () => {
    for (const [name, state] of states) {
      if (state.Type !== 'Task') continue;
      expect({ name, catchesAll: (state.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL')) }).toEqual({
        name,
        catchesAll: true,
      });
    }
  });
});
