/**
 * What the local stand-ins share with the AWS JSON protocols (awsJson1_0 / awsJson1_1): an
 * operation takes the decoded request body and returns the response body; a failure is a
 * `ServiceError` whose `type` becomes `__type`, which the real SDK clients turn into their own
 * exception classes (ResourceInUse, ExecutionAlreadyExists, ...).
 */

export type JsonObject = Record<string, unknown>;

export class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export type Operation = (input: JsonObject) => Promise<unknown> | unknown;

/** One service: the `X-Amz-Target` prefix its SDK client sends, its JSON version and operations. */
export interface StandInService {
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  operations: Record<string, Operation>;
}

/** Timestamps travel as epoch seconds in the JSON protocols. */
export const epochSeconds = (date: Date): number => date.getTime() / 1000;

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';

const invalid = (field: string, what: string): ServiceError =>
  new ServiceError(
    'ValidationException',
    `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${what}`,
  );

/** A required string member, or the ValidationException the service would answer. */
export const requireString = (input: JsonObject, field: string): string => {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'Member must not be null');
  return value;
};

export const optionalString = (input: JsonObject, field: string): string | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'Member must be a string');
  return value;
};

export const optionalObject = (input: JsonObject, field: string): JsonObject | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(field, 'Member must be a structure');
  return value as JsonObject;
};

export const requireObject = (input: JsonObject, field: string): JsonObject => {
  const value = optionalObject(input, field);
  if (value === undefined) throw invalid(field, 'Member must not be null');
  return value;
};

export const optionalStringList = (input: JsonObject, field: string): string[] | undefined => {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw invalid(field, 'Member must be a list of strings');
  return value as string[];
};
