import type { SettingName } from '../../functions/kernel/config';

/**
 * The process environment the real handlers and SDK clients read, pointed at the local stand-ins.
 * It must be in place before any handler module is imported: config.ts parses it at import time.
 */

export const LOCAL_ACCOUNT_ID = '123456789012';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_BUCKET = 'labeling-pipeline-local-data';
export const LOCAL_STATE_MACHINE_ARN = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:labeling-pipeline-local`;
/** The built-in backend's table, user pool and app client, locally (dynalite and the Cognito stand-in use them). */
export const LOCAL_LABELING_TABLE = 'labeling-pipeline-local-labeling';
export const LOCAL_USER_POOL_ID = `${LOCAL_REGION}_LocalPool1`;
export const LOCAL_USER_POOL_CLIENT_ID = 'locallabelersclient0000001';

/**
 * The pipeline's own settings (functions/kernel/config.ts) for a run on this machine: what
 * serverless.yml gives the deployed functions, with local names. `npm start` and the tests
 * (test/setup-env.ts) both use this one set; a value the caller already set is kept.
 */
export const LOCAL_SETTINGS = {
  AWS_REGION: LOCAL_REGION,
  DATA_BUCKET: LOCAL_BUCKET,
  STATE_MACHINE_ARN: LOCAL_STATE_MACHINE_ARN,
  LABELING_ROLE_ARN: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/labeling-pipeline-local-labeling`,
  WORKTEAM_ARN: `arn:aws:sagemaker:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:workteam/private-crowd/labeling-pipeline-local`,
  DEFAULT_LABELS: 'acme,globex,initech',
  LABELING_TABLE: LOCAL_LABELING_TABLE,
  USER_POOL_ID: LOCAL_USER_POOL_ID,
  USER_POOL_CLIENT_ID: LOCAL_USER_POOL_CLIENT_ID,
} as const satisfies Partial<Record<SettingName, string>>;

/** Sets every local setting the environment does not already have. */
export const applyLocalSettings = (env: NodeJS.ProcessEnv = process.env): void => {
  for (const [name, value] of Object.entries(LOCAL_SETTINGS)) env[name] ??= value;
};

export interface LocalEndpoints {
  /** The local S3-protocol server. */
  s3: string;
  /** The stand-in server for the JSON-protocol APIs (SageMaker, Rekognition, Step Functions, EventBridge). */
  api: string;
}

export interface LocalEnvironmentSettings {
  endpoints: LocalEndpoints;
  /** Powertools log level of the handlers (default: keep the caller's, else WARN). */
  logLevel?: string;
}

/**
 * Sets the environment variables of a local run: every client's endpoint through the SDK's own
 * `AWS_ENDPOINT_URL_<SERVICE>`, dummy credentials, the checksum settings s3rver needs, and the
 * settings serverless.yml gives the functions. Values a caller already set for the pipeline's
 * own settings (tests do) are kept.
 */
export const configureLocalEnvironment = ({ endpoints, logLevel }: LocalEnvironmentSettings): void => {
  const env = process.env;
  // A configured profile or a generic endpoint must not send a local run to AWS.
  delete env.AWS_PROFILE;
  delete env.AWS_ENDPOINT_URL;
  delete env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
  Object.assign(env, {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SAGEMAKER: endpoints.api,
    AWS_ENDPOINT_URL_REKOGNITION: endpoints.api,
    AWS_ENDPOINT_URL_SFN: endpoints.api,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.api,
    // s3rver stores aws-chunked bodies verbatim (see s3-server.ts).
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    S3_FORCE_PATH_STYLE: 'true',
    POWERTOOLS_SERVICE_NAME: 'labeling-pipeline',
    POWERTOOLS_METRICS_NAMESPACE: 'LabelingPipeline',
    // Metrics would print EMF documents to stdout; there is no CloudWatch here.
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: logLevel ?? env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
  applyLocalSettings(env);
  // A short dataset poll budget is enough locally; the stand-ins finish in well under a second.
  env.MAX_DATASET_POLLS ??= '100';
  env.MAX_TRAINING_POLLS ??= '100';
  // The validation map's children share this process's one S3 socket pool (64, VALIDATION_CONCURRENCY
  // reads each): run them one at a time here, as parallel ones would only queue on the pool.
  env.VALIDATION_MAP_CONCURRENCY ??= '1';
};
