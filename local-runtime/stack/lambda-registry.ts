import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');

// biome-ignore lint/suspicious/noExplicitAny: a Lambda handler's event and result are the function's own business.
export type LambdaHandler = (event: any, context: any) => Promise<unknown>;

/** serverless.yml's `functions:` is a list of `${file(./functions/<stage>/functions.yml)}` includes. */
export const deployedFunctions = (): Record<string, { handler: string }> => {
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

/** Where a function's handler lives: the module and the export serverless.yml names (`file.export`). */
export interface HandlerLocation {
  path: string;
  exported: string;
}

let locations: Record<string, HandlerLocation> | undefined;

/**
 * serverless.yml function key -> handler module and export, read from serverless.yml itself so
 * the tests and the local runtime invoke exactly what the stack deploys.
 */
export const handlerLocations = (): Record<string, HandlerLocation> => {
  // Parsing serverless.yml and every functions.yml takes tens of ms; the files do not change while a process runs.
  locations ??= readLocations();
  return locations;
};

const readLocations = (): Record<string, HandlerLocation> =>
  Object.fromEntries(
    Object.entries(deployedFunctions()).map(([key, fn]) => {
      const dot = fn.handler.lastIndexOf('.');
      if (dot < 0) throw new Error(`function ${key}: handler must be <file>.<export>, got ${fn.handler}`);
      return [key, { path: join(ROOT, fn.handler.slice(0, dot)), exported: fn.handler.slice(dot + 1) }];
    }),
  );

/**
 * Loads the deployed handler export of a function; environment must be set before the first
 * call. `require`, not `import()`: the CLI runs TypeScript through tsx's CommonJS hook only.
 */
export const loadHandlerExport = (functionKey: string): LambdaHandler => {
  const location = handlerLocations()[functionKey];
  if (location === undefined) throw new Error(`serverless.yml has no function ${functionKey}`);
  const handler = (require(location.path) as Record<string, unknown>)[location.exported];
  if (typeof handler !== 'function') throw new Error(`${location.path} does not export ${location.exported}`);
  return handler as LambdaHandler;
};

export const importHandler = async (functionKey: string): Promise<LambdaHandler> => loadHandlerExport(functionKey);

/** serverless.yml function key -> handler module path (the tests read each handler module's declarations). */
export const handlerModules = (): Record<string, string> =>
  Object.fromEntries(Object.entries(handlerLocations()).map(([key, location]) => [key, location.path]));
