import { config, type SettingName } from '../../../kernel/config';

/**
 * A setting an adapter of the built-in backend needs. The handlers that use the adapter declare
 * it in their `SETTINGS`, so a missing one already fails their cold start; this names it if not.
 */
export const builtinSetting = <K extends SettingName>(name: K): NonNullable<(typeof config)[K]> => {
  const value = config[name];
  if (value === undefined || value === null || value === '') throw new Error(`missing environment variable ${name}`);
  return value as NonNullable<(typeof config)[K]>;
};
