import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { SETTING_DEFAULTS, SETTING_NAMES, type SettingName } from '../../functions/kernel/config';
import { deployedFunctions, handlerModules } from '../../local-runtime/stack/lambda-registry';

// Settings are read one way: a handler's SETTINGS, loaded at its cold start, are the only settings
// its code reads, and each is deployed with the function. Read from the sources and functions.yml,
// so a setting read deep in an adapter and set nowhere (as PORTAL_URL once was) fails here.

const ROOT = join(__dirname, '..', '..');
const CONFIG = join(ROOT, 'functions/kernel/config.ts');

/**
 * Files that may still read `config` itself. The shared S3 client is built once per process from
 * two settings with defaults (socket count, path-style addressing for the local S3 server).
 */
const READS_CONFIG_ITSELF = ['functions/kernel/aws/s3-client.ts'];

/**
 * Adapters that still read `config` (or `builtinSetting`) at call time rather than take their
 * function's settings; every setting they read is declared by the handlers that use them (the
 * test above). Known and listed so that no other adapter starts to: the built-in table's name and
 * the event bus still reach their adapters this way, and the review routes are being rewritten.
 */
const ADAPTERS_NOT_YET_HANDED_SETTINGS = [
  'functions/labeling/builtin/aws/ready-events.ts',
  'functions/labeling/builtin/aws/settings.ts',
];

/** Read where they are set, never deployed: Lambda sets AWS_REGION; the Cognito endpoint is the local stand-in's. */
const NOT_DEPLOYED: ReadonlySet<string> = new Set(['AWS_REGION', 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER']);

/** The TypeScript files a module loads, following its relative imports (types included: they read nothing). */
const moduleGraph = (entry: string): string[] => {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, path] of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const base = join(dirname(file), path ?? '');
      const resolved = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
      if (resolved !== undefined) visit(resolved);
    }
  };
  visit(entry);
  return [...seen];
};

const isSetting = (name: string): name is SettingName => SETTING_NAMES.includes(name as SettingName);

/** Every setting a file reads: `config.X`, `settings.X`, a call-time reader `...Setting('X')`, `process.env.X`. */
const settingsReadIn = (file: string): SettingName[] => {
  const text = readFileSync(file, 'utf8');
  const patterns = [
    /\bconfig\.([A-Z][A-Z0-9_]*)/g,
    /\bsettings\.([A-Z][A-Z0-9_]*)/g,
    /[sS]etting\('([A-Z][A-Z0-9_]*)'\)/g,
    /process\.env\.([A-Z][A-Z0-9_]*)/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] ?? '')).filter(isSetting);
};

const importsConfigValue = (file: string): boolean =>
  /import \{[^}]*\bconfig\b[^}]*\} from '[./]+kernel\/config'/.test(readFileSync(file, 'utf8'));

const provider = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')).provider as {
  environment: Record<string, unknown>;
};
const functions = deployedFunctions() as Record<string, { environment?: Record<string, unknown> }>;
const deployedSettings = (fnKey: string): string[] => [
  ...Object.keys(provider.environment),
  ...Object.keys(functions[fnKey]?.environment ?? {}),
];
const handlers = Object.entries(handlerModules()).map(([fnKey, path]) => ({ fnKey, path: `${path}.ts` }));

describe('settings', () => {
  it('finds every handler and reads its settings', () => {
    expect(handlers.length).toBeGreaterThan(20);
    const postProcess = handlers.find((h) => h.fnKey === 'postProcess');
    expect(moduleGraph(postProcess?.path ?? '').flatMap(settingsReadIn)).toContain('PORTAL_URL');
  });

  it.each(handlers)('$fnKey reads only the settings it declares', ({ path }) => {
    const { SETTINGS: declared } = require(path) as { SETTINGS: readonly SettingName[] };
    const exempt = READS_CONFIG_ITSELF.map((file) => join(ROOT, file));
    const read = new Set(
      moduleGraph(path)
        .filter((file) => file !== CONFIG && !exempt.includes(file))
        .flatMap(settingsReadIn),
    );

    expect([...read].filter((name) => !declared.includes(name)).sort()).toEqual([]);
  });

  it.each(handlers)('$fnKey is deployed with every setting it declares that has no default', ({ fnKey, path }) => {
    const { SETTINGS: declared } = require(path) as { SETTINGS: readonly SettingName[] };
    const needed = declared.filter((name) => !SETTING_DEFAULTS.has(name) && !NOT_DEPLOYED.has(name));
    const deployed = deployedSettings(fnKey);

    expect(needed.filter((name) => !deployed.includes(name))).toEqual([]);
  });

  it('deploys the labeling page URL to postProcess as the CloudFront portal', () => {
    expect(functions.postProcess?.environment?.PORTAL_URL).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub, not a JavaScript template.
      'Fn::Sub': 'https://${PortalDistribution.DomainName}',
    });
  });

  it('leaves reading config to the handlers: no adapter reads it directly', () => {
    const adapters = handlers
      .flatMap(({ path }) => moduleGraph(path))
      .filter((file) => !file.endsWith('/handler.ts') && file !== CONFIG)
      .filter((file) => !READS_CONFIG_ITSELF.includes(relative(ROOT, file)));
    const reading = [...new Set(adapters.filter(importsConfigValue).map((file) => relative(ROOT, file)))].sort();

    expect(reading).toEqual(ADAPTERS_NOT_YET_HANDED_SETTINGS);
  });
});
