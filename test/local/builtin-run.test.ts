import { builtinWorkers } from '../../local-runtime/run/builtin-run';

describe('workers per image of a local built-in run', () => {
  it('keeps what was asked when no person labels', () => {
    expect(builtinWorkers({ workers: 2 })).toEqual({ workers: 2 });
    expect(builtinWorkers({})).toEqual({});
  });

  it('asks one answer more than the simulated labelers give when a person labels', () => {
    expect(builtinWorkers({ person: {}, labelers: 2, workers: 1 })).toEqual({ workers: 3 });
    expect(builtinWorkers({ person: { email: 'a@b.c' } })).toEqual({ workers: 1 });
  });

  it('refuses more simulated labelers than workersPerObject allows next to a person', () => {
    expect(() => builtinWorkers({ person: {}, labelers: 9 })).toThrow('at most 8 simulated labelers');
  });
});
