import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { removeLabeler } from '../../cli/commands/labelers';
import type { ClaimResponse } from '../../functions/labeling/builtin/contracts/api';
import { apiClient, drawAnswer, keyOfImageUrl, signIn } from '../../local-runtime/labelers/simulated-labelers';
import type { JobReadyInfo } from '../../local-runtime/run/builtin-run';
import {
  type LocalEnvironment,
  type LocalRunOptions,
  runLocalPipeline,
  startLocalEnvironment,
} from '../../local-runtime/run/run-local';
import { generateSampleBatch } from '../../local-runtime/sample/sample-batch';

// The built-in backend end to end: the real handlers behind the local HTTP API, dynalite, the
// Cognito stand-in, and simulated labelers signing in and answering through the API.
jest.setTimeout(240_000);

let environment: LocalEnvironment;
let outRoot: string;

beforeAll(async () => {
  environment = await startLocalEnvironment({ waitMs: 100 });
  outRoot = await mkdtemp(join(tmpdir(), 'labeling-pipeline-builtin-e2e-'));
});

afterAll(async () => {
  await environment?.stop();
  if (outRoot) await rm(outRoot, { recursive: true, force: true });
});

const run = (name: string, options: LocalRunOptions = {}) =>
  runLocalPipeline({ environment, batchName: name, out: join(outRoot, name), labelingBackend: 'builtin', ...options });

const cognitoClient = () =>
  new CognitoIdentityProviderClient({
    endpoint: environment.endpoints.cognito,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

type Item = { sk: string; answers?: Record<string, unknown>; answerCount?: number; leases?: Record<string, unknown> };

/** Every item of a job's partition in the local table. */
const jobItems = async (jobId: string): Promise<Item[]> => {
  const documents = DynamoDBDocumentClient.from(environment.builtin.dynamodb.client);
  const items: Item[] = [];
  for await (const page of paginateQuery(
    { client: documents },
    {
      TableName: environment.builtin.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `JOB#${jobId}` },
    },
  )) {
    items.push(...((page.Items ?? []) as Item[]));
  }
  return items;
};

const outputLines = async (outputManifest: string | undefined) =>
  (await readFile(outputManifest ?? '', 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('local pipeline, end to end, on the built-in backend', () => {
  it('labels the sample through the API and ends with a Rekognition dataset', async () => {
    const sample = generateSampleBatch({ seed: 1 });
    const accepted = sample.files.length - sample.expectedRejections.length;
    const result = await run('builtin-sample', { seed: 1, workers: 2, labelers: 3, skipRate: 0 });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.counts.accepted).toBe(accepted);
    expect(result.counts.labeled).toBe(accepted);
    expect(result.counts.train).toBeGreaterThan(0);
    expect(result.counts.test).toBeGreaterThan(0);
    const state = environment.lastState.get(result.executionArn) as { rekognition?: { status?: string } };
    expect(state.rekognition?.status).toBeDefined();
    const job = JSON.parse(await readFile(result.files.labelingJob ?? '', 'utf8'));
    expect(job.backend).toBe('builtin');

    const lines = await outputLines(result.files.outputManifest);
    expect(lines).toHaveLength(accepted);
    for (const line of lines) {
      expect(line[`${job.labelAttributeName}-metadata`]).toMatchObject({
        'human-annotated': 'yes',
        type: 'groundtruth/object-detection',
      });
    }
    // Each labeler's raw answers are kept in Ground Truth's worker-response layout.
    const responses = join(
      result.outDir,
      'labeling',
      'output',
      result.runId,
      'annotations',
      'worker-response',
      'iteration-1',
    );
    expect(readdirSync(responses)).toHaveLength(accepted);
    expect(result.labeling).toMatchObject({ answers: accepted * 2, leaseLost: 0, closedByAdmin: false });
    expect(existsSync(join(result.outDir, 'dataset', 'report.json'))).toBe(true);
    // The report links to the job's review page on the portal this run really served.
    const html = await readFile(join(result.outDir, 'dataset', 'report.html'), 'utf8');
    expect(html).toContain(`<a href="${environment.endpoints.portal}/#/jobs/${job.jobName}/review">Review every image`);
  });

  it('gives every image to exactly workersPerObject distinct labelers under concurrency, with no lease left', async () => {
    const result = await run('builtin-concurrency', {
      seed: 5,
      sampleSize: 60,
      workers: 3,
      labelers: 8,
      skipRate: 0.05,
      resendRate: 0.2,
    });

    expect(result.status).toBe('SUCCEEDED');
    const crew = result.labeling;
    expect(crew?.closedByAdmin).toBe(false);
    expect(crew?.leaseLost).toBe(0);
    // Resent answers (as after a dropped connection) were recognized, not counted again.
    expect(crew?.duplicates).toBeGreaterThan(0);
    const items = await jobItems(result.runId);
    const images = items.filter((i) => i.sk.startsWith('IMG#'));
    expect(images).toHaveLength(60);
    for (const image of images) {
      const answeredBy = Object.keys(image.answers ?? {});
      expect(answeredBy).toHaveLength(3);
      expect(new Set(answeredBy).size).toBe(3);
      expect(image.answerCount).toBe(3);
      expect(image.leases ?? {}).toEqual({});
    }
    // No answer lost or doubled: what the labelers had accepted is what the table holds.
    expect(crew?.answers).toBe(180);
    expect(Object.values(crew?.answersBy ?? {}).reduce((a, b) => a + b, 0)).toBe(180);
    for (const labeler of items.filter((i) => i.sk.startsWith('LABELER#'))) expect(labeler.leases ?? {}).toEqual({});

    const job = JSON.parse(await readFile(result.files.labelingJob ?? '', 'utf8'));
    const lines = await outputLines(result.files.outputManifest);
    expect(lines).toHaveLength(60);
    expect(lines.every((line) => line[job.labelAttributeName] !== undefined)).toBe(true);
  });

  it('waits for a person labeling next to the simulated labelers, and finishes with their answers', async () => {
    const sample = generateSampleBatch({ seed: 1, size: 3 });
    // The person sees no logo on this image: with two answers per image a box needs both, so
    // the output keeps none there only if the person's answer reached the job's output.
    const vetoed = 'sample-01.png';
    expect(sample.truth[vetoed]?.boxes.length).toBeGreaterThan(0);
    /** The person: signs in with what onJobReady gives and answers every task left for them. */
    const labelAll = async (info: JobReadyInfo): Promise<number> => {
      const cognito = cognitoClient();
      const api = apiClient(info.portal, await signIn(cognito, environment.cognito.clientId, info));
      cognito.destroy();
      let answered = 0;
      for (;;) {
        // Their last answer may complete the job: a claim after it finds the job closed (410).
        const claim = await api.expect<ClaimResponse>('POST', `/api/jobs/${info.jobId}/tasks`, [200, 410]);
        if (claim.status === 410) return answered;
        const { task } = claim.body;
        if (task === null && 'reason' in claim.body && claim.body.reason === 'NO_TASKS_LEFT') return answered;
        if (task === null) await new Promise((r) => setTimeout(r, 50));
        else {
          const name = keyOfImageUrl(task.imageUrl).split('/').pop() ?? '';
          const body =
            name === vetoed
              ? { boxes: [], nothingToLabel: true }
              : drawAnswer(task, sample.truth[name], sample.labels, 1, info.email);
          await api.expect('POST', `/api/jobs/${info.jobId}/tasks/${task.taskId}/answer`, [200], body);
          answered += 1;
        }
      }
    };
    let ready: JobReadyInfo | undefined;
    let personDone: Promise<number> | undefined;
    const result = await run('builtin-person', {
      sampleSize: 3,
      labelers: 1,
      person: { email: 'person@example.com' },
      onJobReady: (info) => {
        ready = info;
        personDone = labelAll(info);
      },
    });

    expect(result.error).toBeUndefined();
    expect(result.status).toBe('SUCCEEDED');
    expect(ready).toMatchObject({ email: 'person@example.com', portal: environment.endpoints.portal });
    expect(await personDone).toBe(3);
    // Two answers per image: the simulated labeler's and the person's.
    expect(result.labeling?.answers).toBe(3);
    const job = JSON.parse(await readFile(result.files.labelingJob ?? '', 'utf8'));
    expect(job.workersPerObject).toBe(2);
    // The summary counts the person's answers, as the API counted them.
    expect(result.labeling?.person).toEqual({ email: 'person@example.com', answers: 3 });
    const boxesByImage = Object.fromEntries(
      (await outputLines(result.files.outputManifest)).map((line) => {
        const name = String(line['source-ref']).split('/').pop() ?? '';
        const labeled = line[job.labelAttributeName] as { annotations: unknown[] } | undefined;
        return [name, labeled?.annotations.length ?? 0];
      }),
    );
    expect(Object.keys(boxesByImage).sort()).toEqual(['sample-01.png', 'sample-02.jpg', 'sample-03.jpg']);
    expect(boxesByImage[vetoed]).toBe(0);
    expect(boxesByImage['sample-02.jpg']).toBeGreaterThan(0);
  });

  it('serves the sign-in settings and refuses the API without a token', async () => {
    const config = await fetch(`${environment.endpoints.portal}/api/config`);
    expect(await config.json()).toMatchObject({
      userPoolId: environment.cognito.userPoolId,
      userPoolClientId: environment.cognito.clientId,
      cognitoEndpoint: expect.stringContaining(environment.endpoints.cognito),
    });
    expect((await fetch(`${environment.endpoints.portal}/api/jobs`)).status).toBe(401);

    const person = environment.cognito.createUser({ email: 'e2e-reader@example.com' });
    const cognito = cognitoClient();
    const api = apiClient(environment.endpoints.portal, await signIn(cognito, environment.cognito.clientId, person));
    cognito.destroy();
    const me = await api.expect<{ email: string; admin: boolean }>('GET', '/api/me', [200]);
    expect(me.body).toMatchObject({ email: 'e2e-reader@example.com', admin: false });
  });
});

describe('sessions on the built-in backend, end to end', () => {
  /** Signs a fresh labeler in through the Cognito stand-in: their API client, the raw tokens, and who they are. */
  const newLabeler = async (email: string) => {
    const person = environment.cognito.createUser({ email });
    const cognito = cognitoClient();
    const out = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: environment.cognito.clientId,
        AuthParameters: { USERNAME: person.email, PASSWORD: person.password },
      }),
    );
    cognito.destroy();
    const tokens = out.AuthenticationResult ?? {};
    return { person, tokens, api: apiClient(environment.endpoints.portal, tokens.IdToken ?? '') };
  };
  /** Resolves once the clock has moved past the second `at` (seconds): a sign-in then comes after a revocation. */
  const pastSecond = async (at: number) => {
    while (Math.floor(Date.now() / 1000) <= at) await new Promise((r) => setImmediate(r));
  };

  it('refuses the access token: the API takes the ID token it documents', async () => {
    const { tokens } = await newLabeler('e2e-access@example.com');

    const withAccess = await apiClient(environment.endpoints.portal, tokens.AccessToken ?? '').call<{
      error?: { code: string };
    }>('GET', '/api/me');

    expect(withAccess.status).toBe(401);
    expect(withAccess.body.error?.code).toBe('ID_TOKEN_REQUIRED');
  });

  it("ends a labeler's access at once when they sign out, until they sign in again", async () => {
    const { person, api } = await newLabeler('e2e-signout@example.com');
    expect((await api.call('GET', '/api/me')).status).toBe(200);

    const out = await api.expect<{ signedOutAt: string }>('POST', '/api/sign-out', [200]);
    const after = await api.call<{ error?: { code: string } }>('GET', '/api/jobs');

    expect(after.status).toBe(401);
    expect(after.body.error?.code).toBe('SESSION_REVOKED');
    await pastSecond(Math.floor(Date.parse(out.body.signedOutAt) / 1000));
    const cognito = cognitoClient();
    const again = apiClient(environment.endpoints.portal, await signIn(cognito, environment.cognito.clientId, person));
    cognito.destroy();
    expect((await again.call('GET', '/api/me')).status).toBe(200);
  });

  it("ends a removed labeler's access at once: `labelers remove` revokes before it deletes", async () => {
    const { api } = await newLabeler('e2e-removed@example.com');
    expect((await api.call('GET', '/api/me')).status).toBe(200);
    const cognito = cognitoClient();
    const documents = DynamoDBDocumentClient.from(environment.builtin.dynamodb.client);

    await removeLabeler(cognito, environment.cognito.userPoolId, 'e2e-removed@example.com', {
      documents,
      tableName: environment.builtin.tableName,
    });
    cognito.destroy();

    const after = await api.call<{ error?: { code: string } }>('GET', '/api/me');
    expect(after.status).toBe(401);
    expect(after.body.error?.code).toBe('SESSION_REVOKED');
  });
});
