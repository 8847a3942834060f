import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { parse } from 'yaml';
import { handlerLocations } from '../local-runtime/stack/lambda-registry';

const ROOT = join(__dirname, '..');

/**
 * Each function bundled as `npm run package` bundles it (serverless.yml's `custom.esbuild`
 * options), with esbuild's metafile, so the template test and the bundle benchmark measure what
 * ships: its size, the packages in it and the AWS SDK clients it carries.
 */
export interface FunctionBundle {
  fn: string;
  /** The bundle as written (with its `.map` next to it). */
  file: string;
  bytes: number;
  mapBytes: number;
  /** Bytes in the output per npm package (`own` for the project's code). */
  packages: Record<string, number>;
  /** `@aws-sdk/client-*` packages in the bundle, e.g. `client-s3`. */
  sdkClients: string[];
}

interface PackagedOptions {
  minify: boolean;
  sourcemap: boolean;
  sourcesContent: boolean;
  target: string;
  platform: 'node';
  format: 'cjs';
  mainFields: string[];
}

export const packagedOptions = (): PackagedOptions => {
  const stack = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as { custom: { esbuild: PackagedOptions } };
  const { minify, sourcemap, sourcesContent, target, platform, format, mainFields } = stack.custom.esbuild;
  return { minify, sourcemap, sourcesContent, target, platform, format, mainFields };
};

const packageOf = (input: string): string => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? 'own';

const bundleOptions = (outfile: string): BuildOptions => ({
  ...packagedOptions(),
  bundle: true,
  outfile,
  metafile: true,
  logLevel: 'silent',
  absWorkingDir: ROOT,
});

/** Bundles one function (a serverless.yml function key) into `outDir/<fn>/handler.js`. */
export const bundleFunction = async (fn: string, outDir: string): Promise<FunctionBundle> => {
  const location = handlerLocations()[fn];
  if (location === undefined) throw new Error(`serverless.yml declares no function ${fn}`);
  const file = join(outDir, fn, 'handler.js');
  const result = await build({ ...bundleOptions(file), entryPoints: [location.path] });
  const outputs = result.metafile?.outputs ?? {};
  const output = Object.entries(outputs).find(([name]) => name.endsWith('handler.js'))?.[1];
  const map = Object.entries(outputs).find(([name]) => name.endsWith('handler.js.map'))?.[1];
  if (output === undefined) throw new Error(`esbuild wrote no bundle for ${fn}`);
  const packages: Record<string, number> = {};
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    packages[name] = (packages[name] ?? 0) + bytesInOutput;
  }
  const sdkClients = Object.keys(packages)
    .filter((name) => name.startsWith('@aws-sdk/client-'))
    .map((name) => name.slice('@aws-sdk/'.length))
    .sort();
  return { fn, file, bytes: output.bytes, mapBytes: map?.bytes ?? 0, packages, sdkClients };
};

/** The class each SDK client package exports, for a bundle that builds those clients and nothing else. */
const CLIENT_CLASSES: Record<string, string> = {
  'client-s3': 'S3Client',
  'client-sfn': 'SFNClient',
  'client-eventbridge': 'EventBridgeClient',
  'client-rekognition': 'RekognitionClient',
  'client-sagemaker': 'SageMakerClient',
  'client-dynamodb': 'DynamoDBClient',
  'client-cognito-identity-provider': 'CognitoIdentityProviderClient',
};

/**
 * A bundle that only builds the given SDK clients, the floor a function that calls them can
 * reach: the reference its cold import is compared with.
 */
export const bundleClientsAlone = async (clients: readonly string[], outDir: string): Promise<string> => {
  const dir = join(outDir, `clients-${clients.join('+') || 'none'}`);
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'entry.ts');
  const lines = clients.map((client, i) => {
    const className = CLIENT_CLASSES[client];
    if (className === undefined) throw new Error(`no client class known for @aws-sdk/${client}`);
    return `import { ${className} as C${i} } from '@aws-sdk/${client}';\nexport const c${i} = new C${i}({});`;
  });
  writeFileSync(entry, `${lines.join('\n')}\n`);
  const file = join(dir, 'handler.js');
  await build({ ...bundleOptions(file), entryPoints: [entry], nodePaths: [join(ROOT, 'node_modules')] });
  return file;
};
