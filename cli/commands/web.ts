import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { AWS_SETUP_HELP, explainAwsError, resolveAwsSetup } from '../aws-setup';
import { regionOption } from '../region-name';

/** Stack outputs `web publish` reads (infra/builtin-labeling.yml). */
export const WEB_BUCKET_OUTPUT = 'WebBucketName';
export const PORTAL_URL_OUTPUT = 'PortalUrl';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Vite's content-hashed names (`assets/index-CjpsCn2t.js`) never change content: cache for a year. */
const HASHED = /^assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

export interface WebFile {
  key: string;
  path: string;
  contentType: string;
  cacheControl: string;
}

/**
 * The objects to upload for web/dist: hashed assets immutable for a year, everything else
 * (index.html first of all) revalidated on every load, so a publish is seen at once.
 * Bookkeeping files of the build (dot files) stay behind.
 */
export const planWebFiles = (distDir: string, files: readonly string[]): WebFile[] =>
  files
    .map((path) => ({ path, key: relative(distDir, path).split(sep).join('/') }))
    .filter(({ key }) => !key.split('/').some((part) => part.startsWith('.')))
    .map(({ path, key }) => ({
      key,
      path,
      contentType: CONTENT_TYPES[extname(key).toLowerCase()] ?? 'application/octet-stream',
      cacheControl: HASHED.test(key) ? 'public, max-age=31536000, immutable' : 'no-cache',
    }))
    // Assets before index.html: a browser that gets the new index.html finds its assets already there.
    .sort((a, b) => Number(a.key === 'index.html') - Number(b.key === 'index.html') || a.key.localeCompare(b.key));

const listFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat();
};

export const stackOutputs = async (cloudFormation: CloudFormationClient, stackName: string) => {
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = new Map((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  const bucket = outputs.get(WEB_BUCKET_OUTPUT);
  if (!bucket) {
    throw new Error(
      `stack ${stackName} has no ${WEB_BUCKET_OUTPUT} output: deploy it with the built-in labeling backend first`,
    );
  }
  return { bucket, portalUrl: outputs.get(PORTAL_URL_OUTPUT) };
};

export interface PublishOptions {
  distDir: string;
  stackName: string;
  cloudFormation: CloudFormationClient;
  s3: S3Client;
  log?: (line: string) => void;
}

/** Uploads web/dist to the stack's web bucket; returns the portal URL when the stack names it. */
export const publishWeb = async (options: PublishOptions): Promise<{ uploaded: number; portalUrl?: string }> => {
  const { bucket, portalUrl } = await stackOutputs(options.cloudFormation, options.stackName);
  const files = planWebFiles(options.distDir, await listFiles(options.distDir).catch(() => []));
  if (!files.some((f) => f.key === 'index.html')) {
    throw new Error(`${options.distDir} has no index.html: run \`npm run build:web\` first`);
  }
  for (const file of files) {
    await options.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: file.key,
        Body: await readFile(file.path),
        ContentType: file.contentType,
        CacheControl: file.cacheControl,
      }),
    );
    options.log?.(`  s3://${bucket}/${file.key}  (${file.cacheControl})`);
  }
  return { uploaded: files.length, ...(portalUrl ? { portalUrl } : {}) };
};

/** `labeling-pipeline web publish --stage dev`: the labeling page to the deployed stack. */
export const registerWeb = (program: Command): void => {
  const web = program.command('web').description('The labeling page (web/)');
  web
    .command('publish')
    .description("Build web/ if needed and upload web/dist to the stack's web bucket")
    .option('--stage <stage>', 'the deployed stage', 'dev')
    .addOption(regionOption('AWS region (default: AWS_REGION or your profile)'))
    .option('--stack <name>', 'stack name (default labeling-pipeline-<stage>)')
    .addHelpText('after', AWS_SETUP_HELP)
    .action(async (opts: { stage: string; region?: string; stack?: string }) => {
      // The region and credentials first, as `start` checks them: a missing one is said before building.
      const clientConfig = await resolveAwsSetup(opts.region);
      const { execFileSync } = await import('node:child_process');
      const root = join(__dirname, '..', '..');
      execFileSync(process.execPath, [join(root, 'scripts', 'build-web.cjs'), '--if-stale'], { stdio: 'inherit' });
      const result = await publishWeb({
        distDir: join(root, 'web', 'dist'),
        stackName: opts.stack ?? `labeling-pipeline-${opts.stage}`,
        cloudFormation: new CloudFormationClient(clientConfig),
        s3: new S3Client(clientConfig),
        log: (line) => process.stdout.write(`${line}\n`),
      }).catch((error: unknown) => {
        throw explainAwsError(error);
      });
      process.stdout.write(
        `published ${result.uploaded} files${result.portalUrl ? `; the page: ${result.portalUrl}` : ''}\n`,
      );
    });
};
