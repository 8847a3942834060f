import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { planWebFiles, publishWeb } from '../../cli/commands/web';

const cfn = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
let dist: string;

beforeEach(async () => {
  cfn.reset();
  s3.reset();
  dist = await mkdtemp(join(tmpdir(), 'web-dist-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html>');
  await writeFile(join(dist, 'assets', 'index-CjpsCn2t.js'), 'console.log(1)');
  await writeFile(join(dist, 'assets', 'index-CshO6Wd-.css'), 'body{}');
  await writeFile(join(dist, '.built'), 'stamp');
});
afterEach(() => rm(dist, { recursive: true, force: true }));

describe('planWebFiles', () => {
  it('caches hashed assets for a year and never caches index.html; index.html goes last', () => {
    const plan = planWebFiles(dist, [
      join(dist, 'index.html'),
      join(dist, 'assets', 'index-CjpsCn2t.js'),
      join(dist, '.built'),
      join(dist, 'robots.txt'),
    ]);
    expect(plan.map(({ key, contentType, cacheControl }) => ({ key, contentType, cacheControl }))).toEqual([
      {
        key: 'assets/index-CjpsCn2t.js',
        contentType: 'text/javascript; charset=utf-8',
        cacheControl: 'public, max-age=31536000, immutable',
      },
      { key: 'robots.txt', contentType: 'text/plain; charset=utf-8', cacheControl: 'no-cache' },
      { key: 'index.html', contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' },
    ]);
  });
});

describe('publishWeb', () => {
  it("uploads web/dist to the stack's web bucket", async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'labeling-pipeline-dev' }).resolves({
      Stacks: [
        {
          StackName: 'labeling-pipeline-dev',
          CreationTime: new Date(),
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [
            { OutputKey: 'WebBucketName', OutputValue: 'lp-dev-web' },
            { OutputKey: 'PortalUrl', OutputValue: 'https://d111.cloudfront.net' },
          ],
        },
      ],
    });
    const result = await publishWeb({
      distDir: dist,
      stackName: 'labeling-pipeline-dev',
      cloudFormation: new CloudFormationClient({}),
      s3: new S3Client({}),
    });
    expect(result).toEqual({ uploaded: 3, portalUrl: 'https://d111.cloudfront.net' });
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.Bucket, p.Key, p.CacheControl])).toEqual([
      ['lp-dev-web', 'assets/index-CjpsCn2t.js', 'public, max-age=31536000, immutable'],
      ['lp-dev-web', 'assets/index-CshO6Wd-.css', 'public, max-age=31536000, immutable'],
      ['lp-dev-web', 'index.html', 'no-cache'],
    ]);
  });

  it('says what is missing: the stack output, or the build', async () => {
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 's', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: [] }],
    });
    const options = {
      distDir: dist,
      stackName: 's',
      cloudFormation: new CloudFormationClient({}),
      s3: new S3Client({}),
    };
    await expect(publishWeb(options)).rejects.toThrow('stack s has no WebBucketName output');
    cfn.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 's',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'WebBucketName', OutputValue: 'b' }],
        },
      ],
    });
    await expect(publishWeb({ ...options, distDir: join(dist, 'nowhere') })).rejects.toThrow(
      'run `npm run build:web` first',
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
