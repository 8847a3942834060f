import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'yaml';
import { handler as answer } from '../../../functions/labeling/builtin/api-answer-task/handler';
import { handler as claim } from '../../../functions/labeling/builtin/api-claim-task/handler';
import { handler as close } from '../../../functions/labeling/builtin/api-close-job/handler';
import { handler as config } from '../../../functions/labeling/builtin/api-config/handler';
import { handler as getJob } from '../../../functions/labeling/builtin/api-get-job/handler';
import { handler as listJobs } from '../../../functions/labeling/builtin/api-list-jobs/handler';
import { handler as me } from '../../../functions/labeling/builtin/api-me/handler';
import { handler as mine } from '../../../functions/labeling/builtin/api-my-tasks/handler';
import { handler as openapi } from '../../../functions/labeling/builtin/api-openapi/handler';
import { handler as signOut } from '../../../functions/labeling/builtin/api-sign-out/handler';
import { handler as skip } from '../../../functions/labeling/builtin/api-skip-task/handler';
import { getImage, updateIf } from '../../../functions/labeling/builtin/aws/table';
import { jobKey } from '../../../functions/labeling/builtin/contracts/table-items';
import { LOCAL_USER_POOL_CLIENT_ID, LOCAL_USER_POOL_ID } from '../../../local-runtime/stack/local-environment';
import type { LocalDynamoDb } from '../../../local-runtime/stand-ins/dynamodb-local';
import { fakeContext } from '../../fake-context';
import { seedJob, startTable } from './table-fixture';

const events = mockClient(EventBridgeClient);

interface Who {
  sub: string;
  groups?: string | string[];
  email?: string;
  /** Cognito's `token_use` claim (default `id`) and the sign-in time in seconds (default a minute ago). */
  tokenUse?: string;
  authTime?: number;
}
const ANA: Who = { sub: 'sub-ana', email: 'ana@example.com' };
const BO: Who = { sub: 'sub-bo', email: 'bo@example.com', groups: '[team-b]' };
const TEAM_A: Who = { sub: 'sub-cy', email: 'cy@example.com', groups: '[team-a]' };
const ADMIN: Who = { sub: 'sub-admin', email: 'admin@example.com', groups: '[admins team-a]' };

type Handler = (event: never, context: never) => Promise<unknown>;
const call = async (
  fn: Handler,
  who: Who | undefined,
  params: Record<string, string> = {},
  body?: unknown,
  query?: Record<string, string>,
) => {
  const event = {
    pathParameters: params,
    queryStringParameters: query,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: who
      ? {
          authorizer: {
            jwt: {
              claims: {
                sub: who.sub,
                email: who.email,
                ...(who.groups ? { 'cognito:groups': who.groups } : {}),
                token_use: who.tokenUse ?? 'id',
                auth_time: String(who.authTime ?? Math.floor(Date.now() / 1000) - 60),
              },
            },
          },
        }
      : {},
  };
  const out = (await fn(event as never, fakeContext as never)) as APIGatewayProxyStructuredResultV2;
  return { status: out.statusCode, body: JSON.parse(String(out.body)) };
};

const box = (over: Partial<{ label: string; left: number; top: number; width: number; height: number }> = {}) => ({
  label: 'acme',
  left: 10,
  top: 20,
  width: 100,
  height: 50,
  ...over,
});
const drawn = { boxes: [box()], nothingToLabel: false, durationMs: 4200 };

const readyEvents = () =>
  events.commandCalls(PutEventsCommand).map((c) => JSON.parse(String(c.args[0].input.Entries?.[0]?.Detail)));

let db: LocalDynamoDb;
let jobSeq = 0;
const newJob = (options: Parameters<typeof seedJob>[1] = {}) => seedJob(`job-${++jobSeq}`, options);

beforeAll(async () => {
  db = await startTable();
});
afterAll(() => db.stop());
beforeEach(() => {
  events.reset();
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});
afterEach(() => jest.useRealTimers());

describe('public routes', () => {
  it('GET /api/config tells the page where to sign in, without a token', async () => {
    await expect(call(config, undefined)).resolves.toEqual({
      status: 200,
      body: {
        region: 'us-east-1',
        userPoolId: LOCAL_USER_POOL_ID,
        userPoolClientId: LOCAL_USER_POOL_CLIENT_ID,
        cognitoEndpoint: 'https://cognito-idp.us-east-1.amazonaws.com/',
      },
    });
  });

  it('GET /api/openapi.json serves the committed docs/labeling-api.yaml', async () => {
    const committed = parse(readFileSync(join(__dirname, '../../../docs/labeling-api.yaml'), 'utf8'));
    const served = await call(openapi, undefined);

    expect(served.status).toBe(200);
    expect(served.body).toEqual(committed);
    expect(served.body.openapi).toBe('3.1.0');
  });
});

describe('GET /api/me', () => {
  it('reads groups from the authorizer string form and from an array', async () => {
    await expect(call(me, ADMIN)).resolves.toEqual({
      status: 200,
      body: { sub: 'sub-admin', email: 'admin@example.com', groups: ['admins', 'team-a'], admin: true },
    });
    expect((await call(me, { ...ANA, groups: ['team-a'] })).body).toMatchObject({ groups: ['team-a'], admin: false });
  });

  it('answers 401 without claims', async () => {
    await expect(call(me, undefined)).resolves.toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED' } },
    });
  });

  it('accepts only the ID token: an access token (no email in it) gets 401 ID_TOKEN_REQUIRED', async () => {
    const answer = await call(me, { ...ANA, tokenUse: 'access' });

    expect(answer).toMatchObject({ status: 401, body: { error: { code: 'ID_TOKEN_REQUIRED' } } });
  });
});

describe('POST /api/sign-out', () => {
  it("ends the caller's sessions at once on every route, and a later sign-in works again", async () => {
    const { jobId } = await newJob();
    const signedIn = Math.floor(Date.now() / 1000) - 120;
    const dee: Who = { sub: 'sub-dee', email: 'dee@example.com', authTime: signedIn };
    expect((await call(claim, dee, { jobId })).status).toBe(200);

    const out = await call(signOut, dee);

    expect(out).toMatchObject({ status: 200, body: { signedOutAt: expect.any(String) } });
    for (const [fn, params] of [
      [me, {}],
      [listJobs, {}],
      [claim, { jobId }],
      [mine, { jobId }],
    ] as const) {
      expect(await call(fn, dee, params)).toMatchObject({ status: 401, body: { error: { code: 'SESSION_REVOKED' } } });
    }
    expect((await call(me, ANA)).status).toBe(200);
    const later: Who = { ...dee, authTime: Math.floor(Date.now() / 1000) + 2 };
    expect((await call(me, later)).status).toBe(200);
  });
});

describe('jobs', () => {
  it('lists the open jobs a labeler may work on: not those of another group; admins see all', async () => {
    const open = await newJob();
    const groupOnly = await newJob({ labelerGroup: 'team-a' });
    const ended = await newJob();
    await updateIf({
      Key: jobKey(ended.jobId),
      UpdateExpression: 'SET #s = :done',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':done': 'completed' },
    });
    const ids = async (who: Who, query?: Record<string, string>) =>
      ((await call(listJobs, who, {}, undefined, query)).body.jobs as { jobId: string }[]).map((j) => j.jobId);

    expect(await ids(BO)).toEqual(expect.arrayContaining([open.jobId]));
    expect(await ids(BO)).not.toContain(groupOnly.jobId);
    expect(await ids(TEAM_A)).toEqual(expect.arrayContaining([open.jobId, groupOnly.jobId]));
    expect(await ids(ADMIN)).not.toContain(ended.jobId);
    expect(await ids(ADMIN, { status: 'all' })).toEqual(
      expect.arrayContaining([open.jobId, groupOnly.jobId, ended.jobId]),
    );
    expect(await ids(BO, { status: 'all' })).not.toContain(ended.jobId);
  });

  it('shows a job with progress and presigned examples; refuses another group (403), an unknown job (404), a bad id (400)', async () => {
    const job = await newJob({
      labelerGroup: 'team-a',
      examples: [{ key: 'incoming/job/examples/good.jpg', kind: 'good', caption: 'tight box' }],
    });
    const shown = await call(getJob, TEAM_A, { jobId: job.jobId });

    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      jobId: job.jobId,
      imageCount: 3,
      answersNeeded: 6,
      myAnswers: 0,
      labels: ['acme', 'globex'],
    });
    expect(shown.body.examples[0].url).toContain('incoming/job/examples/good.jpg');
    expect(shown.body.examples[0].url).toContain('X-Amz-Expires=300');
    await expect(call(getJob, BO, { jobId: job.jobId })).resolves.toMatchObject({
      status: 403,
      body: { error: { code: 'NOT_IN_GROUP', field: 'jobId' } },
    });
    await expect(call(getJob, BO, { jobId: 'no-such-job' })).resolves.toMatchObject({ status: 404 });
    await expect(call(getJob, BO, { jobId: 'Bad Id' })).resolves.toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_REQUEST', field: 'jobId' } },
    });
  });
});

describe('claims', () => {
  it('leases an image with a presigned read of that one image, at most two at a time', async () => {
    const job = await newJob();
    const first = await call(claim, ANA, { jobId: job.jobId });
    const second = await call(claim, ANA, { jobId: job.jobId });
    const third = await call(claim, ANA, { jobId: job.jobId });

    expect(first.status).toBe(200);
    expect(first.body.task).toMatchObject({ jobId: job.jobId, width: 640, height: 480 });
    expect(first.body.task.imageUrl).toContain(`/incoming/${job.jobId}/img-${Number(first.body.task.taskId)}.jpg`);
    expect(first.body.task.imageUrl).toContain('X-Amz-Expires=300');
    expect(second.body.task.taskId).not.toBe(first.body.task.taskId);
    expect(third).toMatchObject({ status: 409, body: { error: { code: 'TOO_MANY_LEASES' } } });
    const resumed = await call(mine, ANA, { jobId: job.jobId });
    expect(resumed.body.tasks.map((t: { taskId: string }) => t.taskId).sort()).toEqual(
      [first.body.task.taskId, second.body.task.taskId].sort(),
    );
  });

  it('says ALL_LEASED while others hold the last slots and NO_TASKS_LEFT once the caller has done everything', async () => {
    const job = await newJob({ images: 1, workersPerObject: 1 });
    const leased = await call(claim, ANA, { jobId: job.jobId });

    await expect(call(claim, BO, { jobId: job.jobId })).resolves.toEqual({
      status: 200,
      body: { task: null, reason: 'ALL_LEASED' },
    });
    await call(answer, ANA, { jobId: job.jobId, taskId: leased.body.task.taskId }, drawn);
    await expect(call(claim, ANA, { jobId: job.jobId })).resolves.toEqual({
      status: 200,
      body: { task: null, reason: 'NO_TASKS_LEFT' },
    });
  });

  it('refuses a labeler of another group', async () => {
    const job = await newJob({ labelerGroup: 'team-a' });

    await expect(call(claim, BO, { jobId: job.jobId })).resolves.toMatchObject({
      status: 403,
      body: { error: { code: 'NOT_IN_GROUP' } },
    });
    await expect(call(claim, TEAM_A, { jobId: job.jobId })).resolves.toMatchObject({ status: 200 });
  });

  it('gives an image whose lease expired to the next labeler, and refuses the late answer with LEASE_LOST', async () => {
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    const start = new Date('2026-12-01T10:00:00Z');
    jest.setSystemTime(start);
    const job = await newJob({ images: 1, workersPerObject: 1, taskTimeLimitSeconds: 60, now: start });
    const ana = await call(claim, ANA, { jobId: job.jobId });
    jest.setSystemTime(new Date(start.getTime() + 61_000));
    const bo = await call(claim, BO, { jobId: job.jobId });

    expect(bo.body.task.taskId).toBe(ana.body.task.taskId);
    const image = await getImage(job.jobId, bo.body.task.taskId);
    expect(Object.keys(image?.leases ?? {})).toEqual(['sub-bo']);
    await expect(call(answer, ANA, { jobId: job.jobId, taskId: ana.body.task.taskId }, drawn)).resolves.toMatchObject({
      status: 409,
      body: { error: { code: 'LEASE_LOST' } },
    });
    await expect(call(answer, BO, { jobId: job.jobId, taskId: bo.body.task.taskId }, drawn)).resolves.toMatchObject({
      status: 200,
      body: { accepted: true, duplicate: false, progress: { imagesComplete: 1, answersReceived: 1, myAnswers: 1 } },
    });
    expect(readyEvents()).toEqual([{ jobId: job.jobId, reason: 'complete' }]);
  });
});

describe('answers', () => {
  it('records an answer once: a resend is a duplicate, a different second answer is 409 ALREADY_ANSWERED', async () => {
    const job = await newJob();
    const { task } = (await call(claim, ANA, { jobId: job.jobId })).body;
    const path = { jobId: job.jobId, taskId: task.taskId };

    await expect(call(answer, ANA, path, drawn)).resolves.toMatchObject({ status: 200, body: { duplicate: false } });
    await expect(call(answer, ANA, path, { ...drawn, durationMs: 9000 })).resolves.toMatchObject({
      status: 200,
      body: { accepted: true, duplicate: true, progress: { answersReceived: 1, myAnswers: 1 } },
    });
    await expect(call(answer, ANA, path, { boxes: [], nothingToLabel: true })).resolves.toMatchObject({
      status: 409,
      body: { error: { code: 'ALREADY_ANSWERED' } },
    });
    const image = await getImage(job.jobId, task.taskId);
    expect(image).toMatchObject({ answerCount: 1, answeredBy: ['sub-ana'], leases: {} });
    expect(image?.answers['sub-ana']).toMatchObject({ boxes: [box()], nothingToLabel: false, durationMs: 4200 });
  });

  it('counts identical boxes of one answer once, and takes a resend of the same boxes as a duplicate', async () => {
    const job = await newJob();
    const { task } = (await call(claim, ANA, { jobId: job.jobId })).body;
    const path = { jobId: job.jobId, taskId: task.taskId };
    const other = box({ left: 200 });
    const twice = { ...drawn, boxes: [box(), other, box(), box({ label: 'globex' })] };

    await expect(call(answer, ANA, path, twice)).resolves.toMatchObject({ status: 200, body: { duplicate: false } });
    await expect(call(answer, ANA, path, twice)).resolves.toMatchObject({ status: 200, body: { duplicate: true } });

    const stored = (await getImage(job.jobId, task.taskId))?.answers['sub-ana'];
    expect(stored?.boxes).toEqual([box(), other, box({ label: 'globex' })]);
  });

  it.each([
    ['a box past the right edge', { ...drawn, boxes: [box({ left: 600 })] }, 'boxes.0.width'],
    ['a box past the bottom edge', { ...drawn, boxes: [box({ top: 470 })] }, 'boxes.0.height'],
    ['a label the job does not have', { ...drawn, boxes: [box({ label: 'initech' })] }, 'boxes.0.label'],
    ['a box under 1 px', { ...drawn, boxes: [box({ width: 0.5 })] }, 'boxes.0.width'],
    ['boxes with nothingToLabel', { ...drawn, nothingToLabel: true }, 'boxes'],
    ['a worker field naming someone else', { ...drawn, worker: 'sub-bo' }, 'body'],
    ['51 boxes', { ...drawn, boxes: Array.from({ length: 51 }, () => box()) }, 'boxes'],
    ['a body that is not JSON', '{"boxes":', 'body'],
  ])('refuses %s with 400 naming the field', async (_what, body, field) => {
    const job = await newJob();
    const { task } = (await call(claim, ANA, { jobId: job.jobId })).body;

    await expect(call(answer, ANA, { jobId: job.jobId, taskId: task.taskId }, body)).resolves.toMatchObject({
      status: 400,
      body: { error: { field } },
    });
    expect((await getImage(job.jobId, task.taskId))?.answerCount).toBe(0);
  });

  it('refuses an answer without a lease, and one sent for another job than the lease', async () => {
    const job = await newJob();
    const other = await newJob();
    const { task } = (await call(claim, ANA, { jobId: other.jobId })).body;

    await expect(call(answer, ANA, { jobId: job.jobId, taskId: task.taskId }, drawn)).resolves.toMatchObject({
      status: 409,
      body: { error: { code: 'LEASE_LOST' } },
    });
    await expect(call(answer, BO, { jobId: other.jobId, taskId: task.taskId }, drawn)).resolves.toMatchObject({
      status: 409,
    });
    expect((await getImage(other.jobId, task.taskId))?.answers).toEqual({});
  });

  it('answers 410 JOB_CLOSED once the job is no longer open', async () => {
    const job = await newJob();
    const { task } = (await call(claim, ANA, { jobId: job.jobId })).body;
    await updateIf({
      Key: jobKey(job.jobId),
      UpdateExpression: 'SET #s = :f',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':f': 'finalizing' },
    });

    await expect(call(answer, ANA, { jobId: job.jobId, taskId: task.taskId }, drawn)).resolves.toMatchObject({
      status: 410,
      body: { error: { code: 'JOB_CLOSED' } },
    });
  });

  it('completes an image with its last answer: it leaves the open index and counts once', async () => {
    const job = await newJob({ images: 1, workersPerObject: 2 });
    const a = (await call(claim, ANA, { jobId: job.jobId })).body.task;
    const b = (await call(claim, BO, { jobId: job.jobId })).body.task;
    await call(answer, ANA, { jobId: job.jobId, taskId: a.taskId }, drawn);
    const last = await call(answer, BO, { jobId: job.jobId, taskId: b.taskId }, { boxes: [], nothingToLabel: true });

    expect(last.body.progress).toEqual({
      answersReceived: 2,
      answersNeeded: 2,
      imagesComplete: 1,
      imageCount: 1,
      myAnswers: 1,
    });
    expect((await getImage(job.jobId, a.taskId))?.openJob).toBeUndefined();
    expect(readyEvents()).toEqual([{ jobId: job.jobId, reason: 'complete' }]);
  });
});

describe('skips', () => {
  it('releases the lease and never gives the caller that image again', async () => {
    const job = await newJob({ images: 1, workersPerObject: 2 });
    const { task } = (await call(claim, ANA, { jobId: job.jobId })).body;

    await expect(call(skip, ANA, { jobId: job.jobId, taskId: task.taskId })).resolves.toEqual({
      status: 200,
      body: { skipped: true },
    });
    await expect(call(claim, ANA, { jobId: job.jobId })).resolves.toEqual({
      status: 200,
      body: { task: null, reason: 'NO_TASKS_LEFT' },
    });
    await expect(call(claim, BO, { jobId: job.jobId })).resolves.toMatchObject({
      body: { task: { taskId: task.taskId } },
    });
    await expect(call(skip, BO, { jobId: job.jobId, taskId: '000009' })).resolves.toMatchObject({ status: 404 });
  });
});

describe('POST /api/jobs/{jobId}/close', () => {
  it('is for admins only, and asks for finalization', async () => {
    const job = await newJob();

    await expect(call(close, ANA, { jobId: job.jobId })).resolves.toMatchObject({
      status: 403,
      body: { error: { code: 'ADMIN_ONLY' } },
    });
    expect(readyEvents()).toEqual([]);
    await expect(call(close, ADMIN, { jobId: job.jobId })).resolves.toEqual({
      status: 202,
      body: { status: 'finalizing' },
    });
    expect(readyEvents()).toEqual([{ jobId: job.jobId, reason: 'closed' }]);
  });
});
