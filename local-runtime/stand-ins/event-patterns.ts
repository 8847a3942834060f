/**
 * EventBridge pattern matching, for the subset the pipeline's rules use: exact values in arrays,
 * nested objects, and `{ wildcard }`. Any other operator throws, so a rule that starts using
 * one is never silently mismatched here. Semantics:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
export type EventPattern = { readonly [field: string]: readonly unknown[] | EventPattern };

const wildcardRegExp = (wildcard: string): RegExp =>
  new RegExp(
    `^${wildcard
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );

const matchesValue = (candidate: unknown, value: unknown): boolean => {
  if (typeof candidate !== 'object' || candidate === null) return candidate === value;
  const operators = Object.keys(candidate);
  const wildcard = (candidate as { wildcard?: unknown }).wildcard;
  if (operators.length === 1 && typeof wildcard === 'string') {
    return typeof value === 'string' && wildcardRegExp(wildcard).test(value);
  }
  throw new Error(`event pattern operator not supported locally: ${JSON.stringify(candidate)}`);
};

/** A field matches when any candidate matches its value, or any element of an array value. */
const matchesField = (candidates: readonly unknown[], value: unknown): boolean => {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => candidates.some((candidate) => matchesValue(candidate, v)));
};

/** True when `event` matches `pattern`: every field of the pattern matches. */
export const matchesPattern = (pattern: EventPattern, event: unknown): boolean =>
  Object.entries(pattern).every(([field, expected]) => {
    const value = typeof event === 'object' && event !== null ? (event as Record<string, unknown>)[field] : undefined;
    if (Array.isArray(expected)) return value !== undefined && matchesField(expected, value);
    return typeof value === 'object' && value !== null && matchesPattern(expected as EventPattern, value);
  });
