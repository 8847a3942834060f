/** The names Rekognition gives a create whose name (or dataset type) is already taken. */
const ALREADY_EXISTS = new Set(['ResourceInUseException', 'ResourceAlreadyExistsException']);

/**
 * True when a create lost a race with another attempt of the same run. Matched by name rather
 * than `instanceof`, so a second copy of the SDK (or a local stand-in) is recognised too.
 */
export const alreadyExists = (error: unknown): boolean => error instanceof Error && ALREADY_EXISTS.has(error.name);
