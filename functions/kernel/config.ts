import { LabelingBackendName } from './contracts/step-io';
import * as z from './schema';

// The two shapes most settings share: a non-empty string that may be unset, a count with a default.
const optionalText = () => z.optional(z.string().check(z.minLength(1)));
const positiveInt = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

/**
 * The environment, parsed once at module load. This is the only module that reads
 * `process.env`. Each handler declares the settings it reads (`SETTINGS`) and loads them at
 * module load with `loadSettings`, so a missing variable fails the cold start with its name
 * instead of an invocation with an `undefined` deep in a call.
 */
const Environment = z.object({
  AWS_REGION: optionalText(),
  DATA_BUCKET: optionalText(),
  STATE_MACHINE_ARN: optionalText(),
  LABELING_ROLE_ARN: optionalText(),
  // Ground Truth only: empty in a stack deployed for the built-in backend without a workteam.
  WORKTEAM_ARN: z._default(z.string(), ''),
  DEFAULT_LABELS: optionalText(),
  EVENT_BUS_NAME: z._default(z.string().check(z.minLength(1)), 'default'),
  S3_FORCE_PATH_STYLE: z._default(z.enum(['true', 'false']), 'false'),
  MAX_DATASET_POLLS: positiveInt(240),
  MAX_TRAINING_POLLS: positiveInt(288),
  VALIDATION_CONCURRENCY: positiveInt(64),
  /** Child executions of ValidateImages' Distributed Map at once (Step Functions allows up to 10,000). */
  VALIDATION_MAP_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.positive(), z.maximum(10_000)), 10),
  /** Percentage of failed child batches the map tolerates; their objects are reported NOT_CHECKED. */
  VALIDATION_TOLERATED_FAILURE_PERCENT: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(100)), 0),
  LABELING_BACKEND: z._default(LabelingBackendName, 'builtin'),
  LABELING_TABLE: optionalText(),
  ADMIN_GROUP: z._default(z.string().check(z.minLength(1)), 'admins'),
  PRESIGN_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(30), z.maximum(3600)), 300),
  USER_POOL_ID: optionalText(),
  USER_POOL_CLIENT_ID: optionalText(),
  /** Cognito's endpoint for the page; the SDK's own variable when the local stand-in is used. Empty: the regional one. */
  AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: z._default(z.string(), ''),
  CONSOLIDATION_IOU_THRESHOLD: z._default(z.coerce.number().check(z.minimum(0.05), z.maximum(0.95)), 0.5),
  /** The labeling page's URL (CloudFront, or the local portal): the dataset report links to its review page. */
  PORTAL_URL: z.optional(z.url()),
  FINALIZE_CONCURRENCY: positiveInt(32),
});

type Environment = z.infer<typeof Environment>;
export type SettingName = keyof Environment;
/** Every setting's name, and those with a default (a function that declares one starts without it). */
export const SETTING_NAMES = Object.keys(Environment.shape) as SettingName[];
export const SETTING_DEFAULTS: ReadonlySet<SettingName> = new Set(
  SETTING_NAMES.filter((name) => Environment.shape[name] instanceof z.ZodMiniDefault),
);
/**
 * Settings whose absence means "there is none" rather than a broken deploy: a function that
 * declares one starts without it (the report then has no link to a labeling page).
 */
const MAY_BE_UNSET = ['PORTAL_URL'] as const satisfies readonly SettingName[];
type MayBeUnset = (typeof MAY_BE_UNSET)[number];
const mayBeUnset: ReadonlySet<SettingName> = new Set(MAY_BE_UNSET);
export type Settings<K extends SettingName> = Readonly<{
  [P in K]: P extends MayBeUnset ? Environment[P] : NonNullable<Environment[P]>;
}>;

const parsed = Environment.safeParse(process.env);
if (!parsed.success) {
  const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`invalid environment: ${fields}`);
}

export const config: Readonly<Environment> = Object.freeze(parsed.data);

/**
 * The settings a handler declares, read at its module load (the cold start). Throws naming every
 * declared variable that is missing; settings with a default are never missing, nor are those
 * that may be unset.
 */
export const loadSettings = <K extends SettingName>(names: readonly K[]): Settings<K> => {
  const missing = names.filter(
    (name) => !mayBeUnset.has(name) && (config[name] === undefined || config[name] === null),
  );
  if (missing.length > 0) {
    throw new Error(`missing environment variable${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  }
  return Object.freeze(Object.fromEntries(names.map((name) => [name, config[name]]))) as Settings<K>;
};
