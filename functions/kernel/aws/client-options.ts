/**
 * Settings every SDK client shares. Each client lives in its own module, next to the stage that
 * calls it, so a function's bundle carries only the clients it calls: a client built at module
 * scope is a side effect esbuild cannot drop. Endpoints come from the SDK's own
 * `AWS_ENDPOINT_URL_<SERVICE>` variables.
 */
export const CLIENT_RETRIES = { maxAttempts: 5 } as const;
