import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

/**
 * Readable stack traces without `--enable-source-maps`: that flag makes Node parse a bundle's
 * whole source map while the bundle loads, on every cold start, for traces most invocations
 * never print. The maps ship next to the bundles instead, and a failing invocation's error has
 * its frames mapped back to the TypeScript sources here, once, when it is thrown out of a handler.
 */

const maps = new Map<string, SourceMap | null>();

/** The map of a bundle file, read and decoded on the first error that passes through it. */
const mapOf = (file: string): SourceMap | null => {
  let map = maps.get(file);
  if (map === undefined) {
    map = null;
    if (file.endsWith('.js')) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
      } catch {
        // No map next to this file (an unbundled module, or a test run): its frames stay as they are.
      }
    }
    maps.set(file, map);
  }
  return map;
};

interface Frame {
  prefix: string;
  name?: string;
  file: string;
  line: number;
  column: number;
}

// `    at name (/var/task/handler.js:1:234)` or `    at /var/task/handler.js:1:234`
const FRAME = /^(\s+at (?:async )?)(?:(.+?) \()?([^()\s]+):(\d+):(\d+)\)?$/;

const parseFrame = (text: string): Frame | undefined => {
  const match = FRAME.exec(text);
  if (!match) return undefined;
  const [, prefix = '', name, file = '', line, column] = match;
  return { prefix, name, file, line: Number(line), column: Number(column) };
};

/** `../../../functions/run/x/handler.ts` as the bundler wrote it, without the climb to the project root. */
const sourcePath = (fileName: string): string => fileName.replace(/^(?:\.\.?\/)+/, '');

const mapFrame = (frame: Frame, caller: Frame | undefined): string | undefined => {
  const map = mapOf(frame.file);
  const origin = map?.findOrigin(frame.line, frame.column);
  if (!origin || !('fileName' in origin)) return undefined;
  // A minified function's own name is in the map at its caller's call site, as Node's own mapping does it.
  const callerOrigin = caller && caller.file === frame.file ? map?.findOrigin(caller.line, caller.column) : undefined;
  const name = (callerOrigin && 'name' in callerOrigin && callerOrigin.name) || frame.name;
  const place = `${sourcePath(origin.fileName)}:${origin.lineNumber}:${origin.columnNumber}`;
  return name ? `${frame.prefix}${name} (${place})` : `${frame.prefix}${place}`;
};

/** The stack with every frame that has a source map rewritten to its original file, line and column. */
export const mapStackTrace = (stack: string): string => {
  const lines = stack.split('\n');
  const frames = lines.map(parseFrame);
  return lines.map((text, i) => (frames[i] ? (mapFrame(frames[i], frames[i + 1]) ?? text) : text)).join('\n');
};

/** Rewrites an error's stack in place (its cause's too), so the runtime logs and reports the mapped one. */
export const mapErrorStack = (error: unknown): void => {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (typeof current.stack === 'string') current.stack = mapStackTrace(current.stack);
  }
};
