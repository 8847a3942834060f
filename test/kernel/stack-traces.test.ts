import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { mapErrorStack, mapStackTrace } from '../../functions/kernel/stack-traces';

/**
 * A real minified bundle with its map next to it, as the package ships them: a thrown error's
 * frames point at the bundle's one long line until mapped back to the source.
 */
describe('mapStackTrace', () => {
  let dir: string;
  let bundle: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stack-traces-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(
      join(dir, 'src', 'entry.ts'),
      [
        'export function checkBatchName(name: string): string {',
        '  if (name.length === 0) {',
        "    throw new Error('the batch has no name');",
        '  }',
        '  return name;',
        '}',
        "export const startRun = (name: string) => ({ batch: checkBatchName(name), at: 'now' });",
        'export const handler = (name: string) => startRun(name);',
        '',
      ].join('\n'),
    );
    bundle = join(dir, 'out', 'handler.js');
    buildSync({
      entryPoints: [join(dir, 'src', 'entry.ts')],
      bundle: true,
      minify: true,
      sourcemap: true,
      platform: 'node',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'silent',
    });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The stack as Node prints it in a Lambda: a plain process (jest would map frames itself). */
  const thrownBy = (file: string): Error => {
    const script = `try { require(${JSON.stringify(file)}).handler(''); } catch (e) { process.stdout.write(e.stack); }`;
    const stack = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    const error = new Error(stack.slice(0, stack.indexOf('\n')).replace(/^Error: /, ''));
    error.stack = stack;
    return error;
  };

  it('maps bundle frames to the source file, line and original function name', () => {
    const error = thrownBy(bundle);
    expect(error.stack).toContain('handler.js:');

    const mapped = mapStackTrace(error.stack ?? '');

    const frames = mapped.split('\n').filter((line) => line.includes('entry.ts'));
    expect(frames[0]).toMatch(/at checkBatchName \(src\/entry\.ts:3:\d+\)$/);
    expect(frames[1]).toMatch(/at startRun \(src\/entry\.ts:7:\d+\)$/);
    expect(frames[2]).toMatch(/src\/entry\.ts:8:\d+\)$/);
    expect(mapped.split('\n')[0]).toBe('Error: the batch has no name');
  });

  it('leaves frames of files without a map as they are', () => {
    const stack = 'Error: x\n    at run (node:internal/process/task_queues:105:5)\n    at /nowhere/plain.js:1:10';

    expect(mapStackTrace(stack)).toBe(stack);
  });

  it('rewrites an error and its cause in place', () => {
    const cause = thrownBy(bundle);
    const error = new Error('the run could not start', { cause });
    const ownStack = error.stack;

    mapErrorStack(error);

    expect(error.stack).toBe(ownStack);
    expect(cause.stack).toMatch(/at checkBatchName \(src\/entry\.ts:3:\d+\)/);
  });

  it('ignores what is not an error', () => {
    expect(() => mapErrorStack('a string')).not.toThrow();
    expect(() => mapErrorStack(undefined)).not.toThrow();
  });

  it('maps the stack of an error a handler throws, on its way out of the wrapper', () => {
    const entry = join(dir, 'src', 'failing-handler.ts');
    const observability = join(__dirname, '..', '..', 'functions', 'kernel', 'observability');
    writeFileSync(
      entry,
      [
        `import { eventConsumer } from ${JSON.stringify(observability)};`,
        'export const handler = eventConsumer(async () => {',
        "  throw new Error('the event names no bucket');",
        '});',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'out', 'failing-handler.js');
    buildSync({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      sourcemap: true,
      platform: 'node',
      format: 'cjs',
      outfile: out,
      logLevel: 'silent',
    });
    const context = JSON.stringify({
      functionName: 'f',
      awsRequestId: 'r',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:f',
    });
    const script = `require(${JSON.stringify(out)}).handler({}, ${context}).catch((e) => process.stdout.write(e.stack));`;
    const stack = execFileSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
    });

    expect(stack.split('\n')[0]).toBe('Error: the event names no bucket');
    expect(stack.split('\n')[1]).toMatch(/src\/failing-handler\.ts:3:\d+\)$/);
  });
});
