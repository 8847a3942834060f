import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..');

// biome-ignore lint/suspicious/noExplicitAny: a Lambda handler's event and result are the function's own business.
export type LambdaHandler = (event: any, context: any) => Promise<unknown>;

/** serverless.yml's `functions:` is a list of `${file(./functions/<stage>/functions.yml)}` includes. */
const deployedFunctions = (): Record<string, { handler: string }> => {
  const stack = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as { functions: string[] };
  return Object.assign(
    {},
    ...stack.functions.map((include) => {
      const file = /^\$\{file\(\.\/(.+)\)\}$/.exec(include)?.[1];
      if (file === undefined)
        throw new Error(`serverless.yml functions: expected \${file(...)} includes, got ${include}`);
      return parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, { handler: string }>;
    }),
  );
};

/**
 * serverless.yml function key -> handler module path, read from serverless.yml itself so the
 * tests and the local runtime invoke exactly what the stack deploys.
 */
export const handlerModules = (): Record<string, string> => {
  return Object.fromEntries(
    Object.entries(deployedFunctions()).map(([key, fn]) => {
      const [file, exported] = [fn.handler.slice(0, fn.handler.lastIndexOf('.')), fn.handler.split('.').pop()];
      if (exported !== 'handler') throw new Error(`function ${key}: handler must export "handler"`);
      return [key, join(ROOT, file)];
    }),
  );
};

/**
 * Loads the deployed `handler` export of a function; environment must be set before the first
 * call. `require`, not `import()`: the CLI runs TypeScript through tsx's CommonJS hook only.
 */
export const importHandler = async (functionKey: string): Promise<LambdaHandler> => {
  const path = handlerModules()[functionKey];
  if (path === undefined) throw new Error(`serverless.yml has no function ${functionKey}`);
  const module = require(path) as { handler: LambdaHandler };
  return module.handler;
};
