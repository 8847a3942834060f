import { z } from 'zod';

/**
 * The environment, parsed once at module load. This is the only module that reads
 * `process.env`. Each handler declares the settings it reads (`SETTINGS`) and loads them at
 * module load with `loadSettings`, so a missing variable fails the cold start with its name
 * instead of an invocation with an `undefined` deep in a call.
 */
const Environment = z.object({
  AWS_REGION: z.string().min(1).optional(),
  DATA_BUCKET: z.string().min(1).optional(),
  STATE_MACHINE_ARN: z.string().min(1).optional(),
  LABELING_ROLE_ARN: z.string().min(1).optional(),
  WORKTEAM_ARN: z.string().min(1).optional(),
  DEFAULT_LABELS: z.string().min(1).optional(),
  EVENT_BUS_NAME: z.string().min(1).default('default'),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false'),
  MAX_DATASET_POLLS: z.coerce.number().int().positive().default(240),
  MAX_TRAINING_POLLS: z.coerce.number().int().positive().default(288),
  VALIDATION_CONCURRENCY: z.coerce.number().int().positive().default(64),
});

type Environment = z.infer<typeof Environment>;
export type SettingName = keyof Environment;
/** Every setting's name, and those with a default (a function that declares one starts without it). */
export const SETTING_NAMES = Object.keys(Environment.shape) as SettingName[];
export const SETTING_DEFAULTS: ReadonlySet<SettingName> = new Set(
  SETTING_NAMES.filter((name) => Environment.shape[name] instanceof z.ZodDefault),
);
export type Settings<K extends SettingName> = Readonly<{ [P in K]: NonNullable<Environment[P]> }>;

const parsed = Environment.safeParse(process.env);
if (!parsed.success) {
  const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`invalid environment: ${fields}`);
}

export const config: Readonly<Environment> = Object.freeze(parsed.data);

/**
 * The settings a handler declares, read at its module load (the cold start). Throws naming every
 * declared variable that is missing; settings with a default are never missing.
 */
export const loadSettings = <K extends SettingName>(names: readonly K[]): Settings<K> => {
  const missing = names.filter((name) => config[name] === undefined || config[name] === null);
  if (missing.length > 0) {
    throw new Error(`missing environment variable${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  }
  return Object.freeze(Object.fromEntries(names.map((name) => [name, config[name]]))) as Settings<K>;
};
