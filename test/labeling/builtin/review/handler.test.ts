import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { sdkStreamMixin } from '@smithy/util-stream';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { reviewImage, reviewJob } from '../../../../functions/labeling/builtin/review/handler';
import { parseGroups as groupsOf } from '../../../../functions/labeling/builtin/rules/caller';
import { fakeContext } from '../../../fake-context';
import { JOB, labeledLine, unlabeledLine } from './fixtures';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const BUCKET = process.env.DATA_BUCKET as string;
const OUT = `runs/${JOB}/labeling/output/${JOB}/`;

const job = {
  pk: `JOB#${JOB}`,
  sk: 'JOB',
  jobsPk: 'JOBS',
  jobId: JOB,
  runId: JOB,
  title: 'Box every logo',
  labels: ['acme', 'globex'],
  instructions: '',
  examples: [],
  status: 'completed',
  imageCount: 3,
  workersPerObject: 2,
  taskTimeLimitSeconds: 600,
  answersReceived: 4,
  imagesComplete: 2,
  createdAt: '2026-12-01T09:00:00.000Z',
  expiresAt: '2026-12-11T09:00:00.000Z',
  bucket: BUCKET,
  runPrefix: `runs/${JOB}/`,
  labelAttributeName: JOB,
  outputPath: `s3://${BUCKET}/runs/${JOB}/labeling/output/`,
  imagesWritten: true,
  version: 3,
};

const ref = (i: number) => `s3://${BUCKET}/incoming/b/${i}.jpg`;
const manifest = [
  labeledLine(ref(0), [{ classId: 0, confidence: 0.9 }]),
  labeledLine(ref(1), [{ classId: 1, confidence: 0.3 }]),
  unlabeledLine(ref(2)),
].join('\n');

const body = (text: string) => ({ Body: sdkStreamMixin(Readable.from([Buffer.from(text)])) });

const event = (
  path: Record<string, string>,
  query: Record<string, string> = {},
  groups: unknown = '[admins team-a]',
): APIGatewayProxyEventV2WithJWTAuthorizer =>
  ({
    pathParameters: path,
    queryStringParameters: query,
    requestContext: {
      authorizer: {
        jwt: {
          claims: { sub: 'admin-sub', 'cognito:groups': groups, token_use: 'id', auth_time: '1764579600' },
          scopes: [],
        },
      },
    },
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

type Route = typeof reviewJob;
const call = async (route: Route, e: APIGatewayProxyEventV2WithJWTAuthorizer) =>
  (await route(e as never, fakeContext as never)) as APIGatewayProxyStructuredResultV2;
const parse = (result: APIGatewayProxyStructuredResultV2) => ({
  status: result.statusCode,
  body: JSON.parse(result.body ?? 'null'),
});

beforeEach(() => {
  s3.reset();
  ddb.reset();
  ddb.on(GetCommand).resolves({ Item: job });
  ddb.on(GetCommand, { Key: { pk: 'REVOKED#admin-sub', sk: 'REVOKED' } }).resolves({});
  s3.on(GetObjectCommand, { Key: `${OUT}manifests/output/output.manifest` }).callsFake(() => body(manifest));
  s3.on(GetObjectCommand, { Key: `runs/${JOB}/dataset/report.json` }).callsFake(() =>
    body(
      JSON.stringify({ rejected: [{ line: 1, sourceRef: ref(0), code: 'BOX_TOO_SMALL', message: 'tiny', box: 0 }] }),
    ),
  );
});

describe('reviewJob', () => {
  it('lists the consolidated result with counts, presigned images and the rejections', async () => {
    const { status, body: list } = parse(await call(reviewJob, event({ jobId: JOB })));
    expect(status).toBe(200);
    expect(list.counts).toEqual({
      all: 3,
      lowAgreement: 1,
      unlabeled: 1,
      rejected: 1,
      byLabel: { acme: 1, globex: 1 },
    });
    expect(list.items.map((i: { taskId: string }) => i.taskId)).toEqual(['000000', '000001', '000002']);
    expect(list.items[0].rejections).toEqual([{ code: 'BOX_TOO_SMALL', message: 'box 1: tiny' }]);
    expect(list.items[0].imageUrl).toContain('/incoming/b/0.jpg?');
    expect(list.items[0].imageUrl).toContain('X-Amz-Signature=');
    expect(list.nextCursor).toBeNull();
    expect(list.partial).toBe(false);
  });

  it('filters by label', async () => {
    const { body: list } = parse(await call(reviewJob, event({ jobId: JOB }, { filter: 'label', label: 'globex' })));
    expect(list.items.map((i: { taskId: string }) => i.taskId)).toEqual(['000001']);
  });

  it('names the missing label of a label filter', async () => {
    expect(parse(await call(reviewJob, event({ jobId: JOB }, { filter: 'label' })))).toEqual({
      status: 400,
      body: { error: { code: 'INVALID_REQUEST', message: 'label: filter=label needs a label', field: 'label' } },
    });
  });

  it('refuses a labeler who is not an admin', async () => {
    const { status, body: error } = parse(await call(reviewJob, event({ jobId: JOB }, {}, ['team-a'])));
    expect(status).toBe(403);
    expect(error.error.code).toBe('ADMIN_ONLY');
  });

  it('refuses an access token, and an admin whose sessions were revoked after they signed in', async () => {
    const access = event({ jobId: JOB });
    const claims = access.requestContext.authorizer.jwt.claims;
    claims.token_use = 'access';

    const refused = parse(await call(reviewJob, access));
    ddb.on(GetCommand, { Key: { pk: 'REVOKED#admin-sub', sk: 'REVOKED' } }).resolves({
      Item: { pk: 'REVOKED#admin-sub', sk: 'REVOKED', sub: 'admin-sub', revokedAt: 1764579600, reason: 'removed' },
    });
    const revoked = parse(await call(reviewJob, event({ jobId: JOB })));

    expect([refused.status, refused.body.error.code]).toEqual([401, 'ID_TOKEN_REQUIRED']);
    expect([revoked.status, revoked.body.error.code]).toEqual([401, 'SESSION_REVOKED']);
  });

  it('answers 404 for an unknown job and for a completed one whose output is missing', async () => {
    ddb.on(GetCommand, { Key: { pk: 'JOB#nope', sk: 'JOB' } }).resolves({});
    expect(parse(await call(reviewJob, event({ jobId: 'nope' }))).body.error.code).toBe('JOB_NOT_FOUND');
    s3.on(GetObjectCommand, { Key: `${OUT}manifests/output/output.manifest` }).rejects(
      new NoSuchKey({ message: 'no', $metadata: {} }),
    );
    const { status, body: error } = parse(await call(reviewJob, event({ jobId: JOB })));
    expect(status).toBe(404);
    expect(error.error).toEqual({
      code: 'REVIEW_NOT_READY',
      message: `job ${JOB} is completed but its output manifest is missing`,
    });
  });
});

describe('reviewImage', () => {
  it("shows every labeler's boxes next to the consolidated ones", async () => {
    s3.on(ListObjectsV2Command, { Prefix: `${OUT}annotations/worker-response/iteration-1/1/` }).resolves({
      Contents: [{ Key: `${OUT}annotations/worker-response/iteration-1/1/2026-12-01T10-00-00-000Z.json` }],
    });
    s3.on(GetObjectCommand, {
      Key: `${OUT}annotations/worker-response/iteration-1/1/2026-12-01T10-00-00-000Z.json`,
    }).callsFake(() =>
      body(
        JSON.stringify({
          answers: [
            {
              workerId: 'w1',
              submissionTime: '2026-12-01T10:00:00.000Z',
              answerContent: {
                boundingBox: { boundingBoxes: [{ label: 'globex', left: 9, top: 19, width: 101, height: 52 }] },
              },
            },
          ],
        }),
      ),
    );
    const { status, body: detail } = parse(await call(reviewImage, event({ jobId: JOB, taskId: '000001' })));
    expect(status).toBe(200);
    expect(detail.item.boxes).toEqual([
      { label: 'globex', left: 10, top: 20, width: 100, height: 50, confidence: 0.3 },
    ]);
    expect(detail.answers).toEqual([
      {
        labeler: 'w1',
        submittedAt: '2026-12-01T10:00:00.000Z',
        nothingToLabel: false,
        boxes: [{ label: 'globex', left: 9, top: 19, width: 101, height: 52 }],
      },
    ]);
  });

  it('answers 404 for an image past the end and 400 for a malformed task id', async () => {
    expect(parse(await call(reviewImage, event({ jobId: JOB, taskId: '000009' }))).body.error.code).toBe(
      'TASK_NOT_FOUND',
    );
    const bad = parse(await call(reviewImage, event({ jobId: JOB, taskId: '12' })));
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('taskId');
  });
});

describe('review of an open job', () => {
  const openJob = { ...job, status: 'open', answersReceived: 3, imagesComplete: 1 };
  const drawn = { label: 'globex', left: 10, top: 20, width: 100, height: 50 };
  const answer = (sub: string, left: number) => ({
    boxes: [{ ...drawn, left }],
    nothingToLabel: false,
    claimedAt: '2026-12-01T10:00:00.000Z',
    submittedAt: `2026-12-01T10:00:0${left % 10}.000Z`,
    email: `${sub}@example.com`,
  });
  const image = (index: number, answers: Record<string, unknown>) => ({
    pk: `JOB#${JOB}`,
    sk: `IMG#00000${index}`,
    taskId: `00000${index}`,
    sourceRef: ref(index),
    width: 640,
    height: 480,
    answerCount: Object.keys(answers).length,
    answers,
    leases: {},
    version: 1,
  });
  const images = [
    image(0, { ana: answer('ana', 10), bo: answer('bo', 12) }),
    image(1, { ana: answer('ana', 10) }),
    image(2, {}),
  ];

  beforeEach(() => {
    ddb.on(GetCommand).resolves({ Item: openJob });
    ddb.on(GetCommand, { Key: { pk: `JOB#${JOB}`, sk: 'IMG#000000' } }).resolves({ Item: images[0] });
    ddb.on(QueryCommand).resolves({ Items: images });
    s3.on(GetObjectCommand, { Key: `${OUT}manifests/output/output.manifest` }).rejects(
      new NoSuchKey({ message: 'no', $metadata: {} }),
    );
    s3.on(GetObjectCommand, { Key: `runs/${JOB}/dataset/report.json` }).rejects(
      new NoSuchKey({ message: 'no', $metadata: {} }),
    );
  });

  it('lists the answers so far, consolidated as finalization would, and says the result is partial', async () => {
    const { status, body: list } = parse(await call(reviewJob, event({ jobId: JOB })));
    expect(status).toBe(200);
    expect(list.partial).toBe(true);
    expect(list.items.map((i: { status: string }) => i.status)).toEqual(['labeled', 'labeled', 'unlabeled']);
    expect(list.items[0].boxes).toEqual([
      expect.objectContaining({ label: 'globex', left: 11, top: 20, width: 100, height: 50 }),
    ]);
    expect(list.items[0].minConfidence).toBeGreaterThan(0.9);
    // The one-labeler image (confidence 0) is not low agreement.
    expect(list.items[1]).toMatchObject({ minConfidence: null, lowAgreement: false });
    expect(list.items[2].failureReason).toBe('no labeler has answered this image yet');
    expect(list.counts).toMatchObject({ all: 3, lowAgreement: 0, unlabeled: 1, rejected: 0 });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      ExpressionAttributeValues: { ':pk': `JOB#${JOB}`, ':img': 'IMG#' },
    });
  });

  it("shows one image's answers so far next to their consolidation", async () => {
    const { status, body: detail } = parse(await call(reviewImage, event({ jobId: JOB, taskId: '000000' })));
    expect(status).toBe(200);
    expect(detail.item).toMatchObject({ taskId: '000000', status: 'labeled', rejections: [] });
    expect(detail.answers.map((a: { labeler: string }) => a.labeler)).toEqual(['ana', 'bo']);
    expect(detail.answers[1].boxes).toEqual([{ ...drawn, left: 12 }]);
  });

  it('answers 404 for an image the open job does not have', async () => {
    ddb.on(GetCommand, { Key: { pk: `JOB#${JOB}`, sk: 'IMG#000009' } }).resolves({});
    const { status, body: error } = parse(await call(reviewImage, event({ jobId: JOB, taskId: '000009' })));
    expect(status).toBe(404);
    expect(error.error.code).toBe('TASK_NOT_FOUND');
  });
});

describe('groupsOf', () => {
  it('reads both the array and the string API Gateway hands over', () => {
    expect(groupsOf(['admins', 'x'])).toEqual(['admins', 'x']);
    expect(groupsOf('[admins team-a]')).toEqual(['admins', 'team-a']);
    expect(groupsOf(undefined)).toEqual([]);
  });
});
