import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Bundles a benchmark file into one CommonJS script in `dir`, so each measured run is a fresh
 * process with its own heap flags and no TypeScript loader in its memory or timing. esbuild is
 * imported here only: the bundled children never load it.
 */
export const bundleForChildren = async (entry: string, dir: string, name: string): Promise<string> => {
  const bundle = join(dir, `${name}.cjs`);
  const { buildSync } = await import('esbuild');
  buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node24',
    outfile: bundle,
    logLevel: 'warning',
    external: ['esbuild'],
  });
  return bundle;
};

/**
 * Runs `node <flags> <bundle> --child <args>` and reads the measurement the child prints as its
 * last stdout line; a child that crashed (e.g. out of heap) gives `failed` with the last stderr line.
 */
export const runChild = <T>(
  bundle: string,
  flags: string[],
  args: string[],
  failed: (error: string) => T,
  errorChars = 80,
): T => {
  const run = spawnSync(process.execPath, [...flags, bundle, '--child', ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  try {
    return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as T;
  } catch {
    return failed((run.stderr.trim().split('\n').pop() ?? 'crashed').slice(0, errorChars));
  }
};
