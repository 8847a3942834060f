import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsSetup } from '../../cli/aws-setup';
import { type Backend, type DoctorClients, formatChecks, runDoctor } from '../../cli/commands/doctor';
import { AccountStandIn } from '../../local-runtime/stand-ins/account';
import { type RunningApiServer, startAwsApiServer } from '../../local-runtime/stand-ins/aws-api-server';
import { ServiceError, type StandInService } from '../../local-runtime/stand-ins/json-protocol';
import { s3ObjectStore } from '../../local-runtime/stand-ins/object-store';
import { RekognitionStandIn } from '../../local-runtime/stand-ins/rekognition';
import { SageMakerStandIn } from '../../local-runtime/stand-ins/sagemaker';

// The stand-ins speak the real wire protocols on loopback: JSON for SageMaker and Rekognition,
// Query (XML) for STS and CloudFormation, so doctor's real SDK clients are what is tested.
const store = s3ObjectStore(new S3Client({ region: 'us-east-1' }));
const sageMaker = new SageMakerStandIn({ store, deliverEvent: async () => undefined });
const rekognition = new RekognitionStandIn({ store });
const account = new AccountStandIn();
let deniedGroundTruth = false;
let server: RunningApiServer;

/** The SageMaker API of an account that may not use Ground Truth when `deniedGroundTruth` is set. */
const sageMakerApi: StandInService = {
  ...sageMaker.service,
  operations: {
    ...sageMaker.service.operations,
    ListLabelingJobs: (input) => {
      if (deniedGroundTruth) throw new ServiceError('AccessDeniedException', 'not authorized to use Ground Truth');
      return sageMaker.service.operations.ListLabelingJobs?.(input);
    },
  },
};

const STACK_OUTPUTS = {
  DataBucketName: 'labeling-pipeline-dev-databucket-1a2b3c',
  StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:labeling-pipeline-dev',
  LabelingExecutionRoleArn: 'arn:aws:iam::123456789012:role/labeling-pipeline-dev-LabelingExecutionRole',
  AlarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:labeling-pipeline-dev-AlarmTopic',
};
const WORKFORCE = { name: 'default', userPool: 'us-east-1_AbCdEfGhI', clientId: 'client123', teams: ['labelers'] };
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

const clientsFor = (setup: AwsSetup): DoctorClients => {
  const config = { ...setup, endpoint: server.endpoint };
  return {
    sts: new STSClient(config),
    sageMaker: new SageMakerClient(config),
    rekognition: new RekognitionClient(config),
    cloudFormation: new CloudFormationClient(config),
  };
};
const doctor = (region = 'us-east-1', stage = 'dev', backend: Backend = 'ground-truth') =>
  runDoctor({ stage, backend }, { region, credentials }, clientsFor);
const BUILTIN_OUTPUTS = {
  LabelersUserPoolId: 'us-east-1_Labelers',
  LabelingTableName: 'labeling-pipeline-dev-LabelingTable',
  PortalUrl: 'https://d1234.cloudfront.net',
  WebBucketName: 'labeling-pipeline-dev-webbucket',
};

beforeAll(async () => {
  server = await startAwsApiServer([sageMakerApi, rekognition.service], [account.sts, account.cloudFormation]);
});

afterAll(async () => {
  await server.stop();
});

beforeEach(() => {
  deniedGroundTruth = false;
  sageMaker.setWorkforce(undefined);
});

describe('labeling-pipeline doctor', () => {
  it('finds everything in order, and shows the workforce, its user pool and the team to reuse', async () => {
    sageMaker.setWorkforce(WORKFORCE);
    account.putStack({ name: 'labeling-pipeline-dev', status: 'UPDATE_COMPLETE', outputs: STACK_OUTPUTS });

    const results = await doctor();

    expect(results.map((r) => [r.check, r.ok])).toEqual([
      ['region', true],
      ['credentials', true],
      ['workforce', true],
      ['ground truth', true],
      ['rekognition', true],
      ['stack', true],
    ]);
    const text = formatChecks(results);
    expect(text).toContain('account 123456789012 as arn:aws:iam::123456789012:user/local-developer');
    expect(text).toContain('uses Cognito user pool us-east-1_AbCdEfGhI (app client client123)');
    expect(text).toContain('workteamArn=arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/labelers');
    expect(text).toContain(`DataBucketName=${STACK_OUTPUTS.DataBucketName}`);
  });

  it('notes, not fails, a stage not deployed yet, says how to deploy it, and that createWorkforce can create the workforce', async () => {
    const results = await doctor('us-east-1', 'prod');

    const byCheck = Object.fromEntries(results.map((r) => [r.check, r]));
    expect(byCheck.workforce).toMatchObject({ ok: true, fix: expect.stringContaining('createWorkforce=true') });
    expect(byCheck.stack).toMatchObject({
      ok: true,
      note: true,
      detail: expect.stringContaining(
        'labeling-pipeline-prod is not deployed yet (Stack with id labeling-pipeline-prod does not exist)',
      ),
      fix: expect.stringContaining(
        'npx osls deploy --stage prod --region us-east-1 --param labelingBackend=ground-truth',
      ),
    });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(formatChecks(results)).toMatch(/^note +stack: stack labeling-pipeline-prod is not deployed yet/m);
  });

  it('on the built-in backend, an account without Ground Truth and a working stack has no problem', async () => {
    deniedGroundTruth = true;
    account.putStack({
      name: 'labeling-pipeline-builtin',
      status: 'UPDATE_COMPLETE',
      outputs: { ...STACK_OUTPUTS, ...BUILTIN_OUTPUTS },
    });

    const results = await doctor('eu-west-1', 'builtin', 'builtin');

    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => r.check)).toEqual(['region', 'credentials', 'ground truth', 'rekognition', 'stack']);
    expect(results.find((r) => r.check === 'ground truth')).toMatchObject({
      note: true,
      detail: expect.stringContaining('not needed, the built-in backend labels'),
    });
    expect(results.find((r) => r.check === 'region')?.detail).toBe('eu-west-1 has Rekognition Custom Labels');
  });

  it("on the built-in backend, names a stack without the backend's outputs, and deploys without Ground Truth parameters", async () => {
    account.putStack({ name: 'labeling-pipeline-old', status: 'UPDATE_COMPLETE', outputs: STACK_OUTPUTS });

    const stack = (await doctor('us-east-1', 'old', 'builtin')).find((r) => r.check === 'stack');

    expect(stack).toMatchObject({
      ok: false,
      detail: expect.stringContaining(
        'missing outputs LabelersUserPoolId, LabelingTableName, PortalUrl, WebBucketName',
      ),
      fix: 'deploy it again: npx osls deploy --stage old --region us-east-1',
    });
  });

  it('does not call a region fine where Rekognition Custom Labels does not run, whatever the backend', async () => {
    const builtin = (await doctor('ca-central-1', 'dev', 'builtin')).find((r) => r.check === 'region');
    const groundTruth = (await doctor('ca-central-1', 'dev', 'ground-truth')).find((r) => r.check === 'region');

    expect(builtin).toMatchObject({
      ok: false,
      detail: "ca-central-1 has no Rekognition Custom Labels, where every run's dataset goes",
      fix: expect.stringContaining('us-east-1, us-east-2, us-west-2, eu-west-1'),
    });
    expect(groundTruth).toMatchObject({
      ok: false,
      detail: expect.stringContaining('Ground Truth is there: the stack packages, and the dataset step fails'),
    });
    expect(groundTruth?.fix).not.toContain('ca-central-1');
  });

  it('names a stack that lacks outputs as a problem', async () => {
    account.putStack({ name: 'labeling-pipeline-half', status: 'CREATE_COMPLETE', outputs: { DataBucketName: 'b' } });

    const stack = (await doctor('us-east-1', 'half')).find((r) => r.check === 'stack');

    expect(stack).toMatchObject({ ok: false, detail: expect.stringContaining('missing outputs StateMachineArn') });
  });

  it('reports an account that may not use Ground Truth, with what to do', async () => {
    deniedGroundTruth = true;

    const groundTruth = (await doctor()).find((r) => r.check === 'ground truth');

    expect(groundTruth).toMatchObject({
      ok: false,
      detail: expect.stringContaining('AccessDeniedException'),
      fix: expect.stringContaining('closed to new customers'),
    });
  });

  it('reports a region without Ground Truth, listing the regions that have it', async () => {
    const region = (await doctor('sa-east-1')).find((r) => r.check === 'region');

    expect(region).toMatchObject({ ok: false, fix: expect.stringContaining('us-east-1, us-east-2, us-west-2') });
  });

  it('runs as a command: prints ok/problem lines with fixes and exits 1 on a problem', async () => {
    const home = mkdtempSync(join(tmpdir(), 'labeling-pipeline-doctor-'));
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL: server.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, [join(__dirname, '..', '..', 'cli', 'bin.cjs'), 'doctor', ...args], {
          env,
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
        });
        child.stderr.on('data', (chunk: Buffer) => {
          err += chunk.toString();
        });
        child.on('close', (code) => resolve({ code, out, err }));
      });

    try {
      const missing = await cli('--stage', 'nowhere', '--region', 'us-east-1');
      const wrongRegion = await cli('--stage', 'nowhere', '--region', 'ca-central-1');
      const noRegion = await cli('--stage', 'dev');
      const mars = await cli('--region', 'mars-1');

      expect(missing.code).toBe(0);
      expect(missing.out).toMatch(/^ok +credentials: account 123456789012/m);
      expect(missing.out).toMatch(/^note +stack: stack labeling-pipeline-nowhere is not deployed yet/m);
      expect(missing.out).toContain('next: deploy it: npx osls deploy --stage nowhere --region us-east-1\n');
      expect(wrongRegion.code).toBe(1);
      expect(wrongRegion.out).toMatch(/^problem +region: ca-central-1 has no Rekognition Custom Labels/m);
      expect(mars.code).toBe(1);
      expect(mars.err).toContain('"mars-1" is not an AWS region name');
      expect(noRegion.code).toBe(1);
      expect(noRegion.out).toContain('problem  region: no AWS region is set');
      expect(noRegion.out).toContain('fix: Pass --region <region>');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
