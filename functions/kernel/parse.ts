import { InvalidInput } from './errors';
import * as z from './schema';

/**
 * Checking values against contracts. Kept apart from observability.ts so code that only parses
 * (the CLI, the rules) does not load Powertools.
 */

/** Names each failing field, e.g. `labels.3: too long; workersPerObject: expected number`. */
export const describeIssues = (error: z.core.$ZodError): string =>
  error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');

/** Parses `value` with `schema` (any zod schema: `z.safeParse` needs no method on it), or throws `InvalidInput` naming every bad field. */
export const parseOrThrow = <S extends z.core.$ZodType>(schema: S, value: unknown, what: string): z.infer<S> => {
  const result = z.safeParse(schema, value);
  if (!result.success) {
    throw new InvalidInput(`${what} is invalid: ${describeIssues(result.error)}`, { issues: result.error.issues });
  }
  return result.data;
};

/** Parses JSON text and checks it against `schema`; `InvalidInput` names `what` and the problem. */
export const parseJson = <S extends z.core.$ZodType>(schema: S, text: string, what: string): z.infer<S> => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidInput(`${what} is not valid JSON: ${(error as Error).message}`, { what });
  }
  return parseOrThrow(schema, json, what);
};
