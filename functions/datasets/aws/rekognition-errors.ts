import { hasErrorName } from '../../kernel/aws/sdk-errors';

/** True when a create lost a race with another attempt of the same run (its name or dataset type is taken). */
export const alreadyExists = (error: unknown): boolean =>
  hasErrorName(error, 'ResourceInUseException', 'ResourceAlreadyExistsException');
