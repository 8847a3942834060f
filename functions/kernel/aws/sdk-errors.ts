/**
 * True when `error` is an SDK (or service) error with one of these names. Matched by name rather
 * than `instanceof`, so errors from a second copy of the SDK or from a local stand-in count too.
 */
export const hasErrorName = (error: unknown, ...names: string[]): boolean =>
  error instanceof Error && names.includes(error.name);
