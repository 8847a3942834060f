import { join } from 'node:path';
import { LOCAL_ADMIN_GROUP, type RunningCognito, startCognito } from '../stand-ins/cognito';
import { createBuiltinTables, type LocalDynamoDb, startDynamoDb } from '../stand-ins/dynamodb-local';
import { LOCAL_LABELING_TABLE } from './local-environment';
import { httpApiRoutes, type RunningPortal, startPortalServer } from './portal-server';

export const WEB_ROOT = join(__dirname, '..', '..', 'web', 'dist');

/** A user of the local pool with a permanent password (no invitation step). */
export interface LocalSignIn {
  sub: string;
  email: string;
  password: string;
}

/** What the built-in labeling backend runs on locally: dynalite, the Cognito stand-in and the portal. */
export interface BuiltinServices {
  dynamodb: LocalDynamoDb;
  cognito: RunningCognito;
  /** The local web origin: the page and `/api`; started by `startPortal` once the environment is set. */
  portal?: RunningPortal;
  tableName: string;
  /** The first `count` simulated labelers' sign-ins (`labeler-01@labelers.local`, ...), created on first use. */
  labelerAccounts(count: number): LocalSignIn[];
  /** The local admin's sign-in (group `admins`), created on first use; the run prints it for the portal. */
  adminAccount(): LocalSignIn;
  /** A person's sign-in (default you@example.com, password generated unless given), created on first use. */
  personAccount(person: { email?: string; password?: string }): LocalSignIn;
  startPortal(
    invoke: (functionKey: string, event: unknown) => Promise<unknown>,
    onError?: (route: string, error: unknown) => void,
  ): Promise<RunningPortal>;
  stop(): Promise<void>;
}

/** Starts dynalite (with the tables of infra/builtin-labeling.yml) and the Cognito stand-in. */
export const startBuiltinServices = async (): Promise<BuiltinServices> => {
  const tableName = process.env.LABELING_TABLE ?? LOCAL_LABELING_TABLE;
  const dynamodb = await startDynamoDb();
  const cognito = await startCognito().catch(async (error: unknown) => {
    await dynamodb.stop();
    throw error;
  });
  const accounts = new Map<string, LocalSignIn>();
  const account = (email: string, admin: boolean, password?: string): LocalSignIn => {
    const existing = accounts.get(email);
    if (existing && (password === undefined || existing.password === password)) return existing;
    if (existing) throw new Error(`${email} already exists locally with another password`);
    const created = cognito.standIn.createUser({ email, admin, ...(password === undefined ? {} : { password }) });
    accounts.set(email, created);
    return created;
  };
  const services: BuiltinServices = {
    dynamodb,
    cognito,
    tableName,
    labelerAccounts: (count) =>
      Array.from({ length: count }, (_, i) =>
        account(`labeler-${String(i + 1).padStart(2, '0')}@labelers.local`, false),
      ),
    adminAccount: () => account('admin@labelers.local', true),
    personAccount: ({ email = 'you@example.com', password }) => account(email, false, password),
    async startPortal(invoke, onError) {
      services.portal = await startPortalServer({
        routes: httpApiRoutes(),
        invoke,
        authorizer: {
          issuer: cognito.standIn.issuer,
          audience: [cognito.standIn.clientId],
          jwks: cognito.standIn.jwks,
        },
        webRoot: WEB_ROOT,
        ...(onError === undefined ? {} : { onError }),
      });
      return services.portal;
    },
    async stop() {
      await Promise.allSettled([services.portal?.stop(), cognito.stop(), dynamodb.stop()]);
    },
  };
  try {
    await createBuiltinTables(dynamodb, { LabelingTable: tableName });
  } catch (error) {
    await services.stop();
    throw error;
  }
  return services;
};

/**
 * The settings the built-in backend's functions read (builtin-spec.md, "Environment of the API
 * functions"), pointed at the local services. Values a caller already set are kept.
 */
export const builtinEnvironment = (services: BuiltinServices): void => {
  const env = process.env;
  env.AWS_ENDPOINT_URL_DYNAMODB = services.dynamodb.endpoint;
  env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER = services.cognito.endpoint;
  // The table, pool and client names are local settings (LOCAL_SETTINGS); the stand-ins use the same.
  env.LABELING_TABLE ??= services.tableName;
  env.USER_POOL_ID = services.cognito.standIn.userPoolId;
  env.USER_POOL_CLIENT_ID = services.cognito.standIn.clientId;
  env.ADMIN_GROUP ??= LOCAL_ADMIN_GROUP;
};
