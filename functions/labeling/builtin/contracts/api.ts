import * as z from '../../../kernel/schema';
import { REVIEW_ROUTES } from '../review/contracts';
import { JobId, JobPath, type RouteSpec, TaskId, TaskPath } from './api-base';

export { JobId, JobPath, type Method, type RouteSpec, TaskId, TaskPath } from './api-base';

/**
 * The built-in labeling HTTP API: every route's path parameters, body and answers. The handler
 * wrapper validates requests and responses against these, `openapi.ts` turns them into the
 * OpenAPI 3.1 document, and the page imports the inferred types. One source of truth.
 */

export const MAX_BOXES = 50;

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().check(z.regex(/^[A-Z][A-Z0-9_]*$/)),
      message: z.string(),
      field: z.optional(z.string()),
    }),
  })
  .register(z.globalRegistry, { id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

export const JobStatus = z.enum(['open', 'finalizing', 'completed', 'stopped']);
export type JobStatus = z.infer<typeof JobStatus>;

export const Job = z
  .object({
    jobId: JobId,
    runId: z.string(),
    title: z.string(),
    labels: z.array(z.string()).check(z.minLength(1)),
    instructions: z.string(),
    status: JobStatus,
    imageCount: z.int().check(z.nonnegative()),
    workersPerObject: z.int().check(z.minimum(1), z.maximum(9)),
    answersReceived: z.int().check(z.nonnegative()),
    answersNeeded: z.int().check(z.nonnegative()),
    imagesComplete: z.int().check(z.nonnegative()),
    myAnswers: z.int().check(z.nonnegative()),
    createdAt: z.string(),
    expiresAt: z.string(),
    taskTimeLimitSeconds: z.int().check(z.positive()),
    labelerGroup: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'Job' });
export type Job = z.infer<typeof Job>;

export const Example = z.object({ url: z.string(), kind: z.enum(['good', 'bad']), caption: z.string() });
export const JobDetail = z.extend(Job, { examples: z.array(Example) }).register(z.globalRegistry, { id: 'JobDetail' });
export type JobDetail = z.infer<typeof JobDetail>;

export const Task = z
  .object({
    jobId: JobId,
    taskId: TaskId,
    imageUrl: z.string(),
    imageUrlExpiresAt: z.string(),
    width: z.int().check(z.positive()),
    height: z.int().check(z.positive()),
    leaseExpiresAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'Task' });
export type Task = z.infer<typeof Task>;

export const Progress = z
  .object({
    answersReceived: z.int().check(z.nonnegative()),
    answersNeeded: z.int().check(z.nonnegative()),
    imagesComplete: z.int().check(z.nonnegative()),
    imageCount: z.int().check(z.nonnegative()),
    myAnswers: z.int().check(z.nonnegative()),
  })
  .register(z.globalRegistry, { id: 'Progress' });
export type Progress = z.infer<typeof Progress>;

/** One box in the image's own pixels. Whether it fits the image and names a job label is checked against the job. */
export const Box = z.strictObject({
  label: z.string().check(z.minLength(1)),
  left: z.number().check(z.minimum(0)),
  top: z.number().check(z.minimum(0)),
  width: z.number().check(z.minimum(1)),
  height: z.number().check(z.minimum(1)),
});
export type Box = z.infer<typeof Box>;

export const AnswerBody = z
  .strictObject({
    boxes: z.array(Box).check(z.maxLength(MAX_BOXES)),
    nothingToLabel: z.boolean(),
    durationMs: z.optional(z.int().check(z.minimum(0), z.maximum(24 * 3600 * 1000))),
  })
  .check(
    z.refine((a) => a.nothingToLabel === (a.boxes.length === 0), {
      message: 'boxes must be empty exactly when nothingToLabel is true',
      path: ['boxes'],
    }),
  )
  .register(z.globalRegistry, { id: 'AnswerBody' });
export type AnswerBody = z.infer<typeof AnswerBody>;

export const ConfigResponse = z
  .object({ region: z.string(), userPoolId: z.string(), userPoolClientId: z.string(), cognitoEndpoint: z.string() })
  .register(z.globalRegistry, { id: 'Config' });
export const MeResponse = z
  .object({ sub: z.string(), email: z.string(), groups: z.array(z.string()), admin: z.boolean() })
  .register(z.globalRegistry, { id: 'Me' });
export const SignOutResponse = z.object({ signedOutAt: z.string() }).register(z.globalRegistry, { id: 'SignedOut' });
export const JobsQuery = z.object({ status: z.optional(z.enum(['open', 'all'])) });
export const JobsResponse = z.object({ jobs: z.array(Job) }).register(z.globalRegistry, { id: 'Jobs' });
export const ClaimResponse = z
  .union([z.object({ task: Task }), z.object({ task: z.null(), reason: z.enum(['NO_TASKS_LEFT', 'ALL_LEASED']) })])
  .register(z.globalRegistry, { id: 'Claim' });
export type ClaimResponse = z.infer<typeof ClaimResponse>;
export const MyTasksResponse = z.object({ tasks: z.array(Task) }).register(z.globalRegistry, { id: 'MyTasks' });
export const AnswerResponse = z
  .object({ accepted: z.literal(true), duplicate: z.boolean(), progress: Progress })
  .register(z.globalRegistry, { id: 'AnswerAccepted' });
export type AnswerResponse = z.infer<typeof AnswerResponse>;
export const SkipResponse = z.object({ skipped: z.literal(true) }).register(z.globalRegistry, { id: 'Skipped' });
export const CloseResponse = z
  .object({ status: z.literal('finalizing') })
  .register(z.globalRegistry, { id: 'Closing' });
export const EmptyBody = z.undefined();
/** The OpenAPI document itself: any JSON object. */
export const OpenApiResponse = z.record(z.string(), z.unknown());

/** Every route of the API. The functions.yml `httpApi` events and the handlers use these keys. */
export const ROUTES = {
  config: {
    method: 'GET',
    path: '/api/config',
    summary: 'Where to sign in',
    auth: 'none',
    status: 200,
    response: ConfigResponse,
    errors: [],
  },
  openapi: {
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This document',
    auth: 'none',
    status: 200,
    response: OpenApiResponse,
    errors: [],
  },
  me: {
    method: 'GET',
    path: '/api/me',
    summary: 'The signed-in labeler',
    auth: 'jwt',
    status: 200,
    response: MeResponse,
    errors: [401],
  },
  signOut: {
    method: 'POST',
    path: '/api/sign-out',
    summary:
      "End every session of the caller at once: tokens signed in until now get 401 (the page also calls Cognito's GlobalSignOut)",
    auth: 'jwt',
    status: 200,
    response: SignOutResponse,
    errors: [401],
  },
  listJobs: {
    method: 'GET',
    path: '/api/jobs',
    summary: 'Jobs the caller may work on (admins: every job; status=all adds ended ones)',
    auth: 'jwt',
    query: JobsQuery,
    status: 200,
    response: JobsResponse,
    errors: [400, 401],
  },
  getJob: {
    method: 'GET',
    path: '/api/jobs/{jobId}',
    summary: 'One job, with presigned example images',
    auth: 'jwt',
    params: JobPath,
    status: 200,
    response: JobDetail,
    errors: [400, 401, 403, 404],
  },
  claimTask: {
    method: 'POST',
    path: '/api/jobs/{jobId}/tasks',
    summary: 'Lease the next image the caller has not answered, skipped or leased',
    auth: 'jwt',
    params: JobPath,
    status: 200,
    response: ClaimResponse,
    errors: [400, 401, 403, 404, 409, 410],
  },
  myTasks: {
    method: 'GET',
    path: '/api/jobs/{jobId}/tasks/mine',
    summary: "The caller's active leases, so a reloaded page resumes them",
    auth: 'jwt',
    params: JobPath,
    status: 200,
    response: MyTasksResponse,
    errors: [400, 401, 403, 404],
  },
  answerTask: {
    method: 'POST',
    path: '/api/jobs/{jobId}/tasks/{taskId}/answer',
    summary: 'Answer a leased image (a resend of the same answer is accepted as a duplicate)',
    auth: 'jwt',
    params: TaskPath,
    body: AnswerBody,
    status: 200,
    response: AnswerResponse,
    errors: [400, 401, 403, 404, 409, 410],
  },
  skipTask: {
    method: 'POST',
    path: '/api/jobs/{jobId}/tasks/{taskId}/skip',
    summary: 'Give a leased image back; the caller never gets it again',
    auth: 'jwt',
    params: TaskPath,
    status: 200,
    response: SkipResponse,
    errors: [400, 401, 403, 404, 409, 410],
  },
  closeJob: {
    method: 'POST',
    path: '/api/jobs/{jobId}/close',
    summary: 'End the job now and finalize what was answered (admins only)',
    auth: 'admin',
    params: JobPath,
    status: 202,
    response: CloseResponse,
    errors: [400, 401, 403, 404, 410],
  },
  ...REVIEW_ROUTES,
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;
