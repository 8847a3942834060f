/**
 * The page's client of the labeling API. The types come from the API's own zod schemas
 * (functions/labeling/builtin/contracts/api.ts), imported as types only: nothing of zod ships.
 */
import type {
  AnswerBody,
  AnswerResponse,
  ClaimResponse,
  Job,
  JobDetail,
  Task,
} from '../../../functions/labeling/builtin/contracts/api';
import type { ReviewItemResponse, ReviewListResponse } from '../../../functions/labeling/builtin/review/contracts';
import type { Auth, AuthConfig } from './auth';

export type { AnswerBody, ClaimResponse, Job, JobDetail, ReviewItemResponse, ReviewListResponse, Task };

export interface Me {
  sub: string;
  email: string;
  groups: string[];
  admin: boolean;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class SignedOut extends Error {
  constructor() {
    super('Your session ended; sign in again.');
    this.name = 'SignedOut';
  }
}

export const fetchConfig = async (): Promise<AuthConfig> => {
  const response = await fetch('/api/config');
  if (!response.ok) throw new ApiError(response.status, 'CONFIG_UNAVAILABLE', 'The labeling API is not reachable.');
  return (await response.json()) as AuthConfig;
};

export class Api {
  constructor(private readonly auth: Auth) {}

  /** The raw reply of a call (status and parsed body), refreshing the token once on 401. */
  async raw(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    let session = await this.auth.current();
    if (!session) throw new SignedOut();
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(path, {
        method,
        headers: {
          Authorization: `Bearer ${session.idToken}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (response.status === 401 && attempt === 0) {
        session = await this.auth.refresh();
        if (!session) throw new SignedOut();
        continue;
      }
      const reply = { status: response.status, body: await response.json().catch(() => null) };
      // A refreshed token keeps its sign-in time, so an ended session stays refused: sign in anew.
      if (reply.status === 401) await this.endRevokedSession(reply.body);
      return reply;
    }
  }

  /** After a sign-out elsewhere or a removal (401 SESSION_REVOKED): the local session goes too, and SignedOut says so. */
  private async endRevokedSession(body: unknown): Promise<void> {
    if ((body as { error?: { code?: string } } | null)?.error?.code !== 'SESSION_REVOKED') return;
    await this.auth.signOut();
    throw new SignedOut();
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const reply = await this.raw(method, path, body);
    if (reply.status >= 200 && reply.status < 300) return reply.body as T;
    const error = ((reply.body as { error?: Record<string, string> } | null)?.error ?? {}) as Record<string, string>;
    throw new ApiError(
      reply.status,
      error.code ?? `HTTP_${reply.status}`,
      error.message ?? `The API answered ${reply.status}.`,
      error.field,
    );
  }

  me = () => this.call<Me>('GET', '/api/me');
  /** Ends every session of this labeler at the API at once (a JWT cannot be recalled; the routes refuse it). */
  signOut = () => this.call<{ signedOutAt: string }>('POST', '/api/sign-out');
  jobs = (all = false) => this.call<{ jobs: Job[] }>('GET', `/api/jobs${all ? '?status=all' : ''}`);
  job = (jobId: string) => this.call<JobDetail>('GET', `/api/jobs/${enc(jobId)}`);
  claim = (jobId: string) => this.call<ClaimResponse>('POST', `/api/jobs/${enc(jobId)}/tasks`);
  myTasks = (jobId: string) => this.call<{ tasks: Task[] }>('GET', `/api/jobs/${enc(jobId)}/tasks/mine`);
  skip = (jobId: string, taskId: string) =>
    this.call<{ skipped: true }>('POST', `/api/jobs/${enc(jobId)}/tasks/${enc(taskId)}/skip`);
  answer = (jobId: string, taskId: string, body: AnswerBody) =>
    this.raw('POST', `/api/jobs/${enc(jobId)}/tasks/${enc(taskId)}/answer`, body);
  /** Admins: end the job now; finalization writes what was answered. */
  closeJob = (jobId: string) => this.call<{ status: 'finalizing' }>('POST', `/api/jobs/${enc(jobId)}/close`);
  review = (jobId: string, query: { filter: string; label?: string; cursor?: string }) => {
    const params = new URLSearchParams({ filter: query.filter });
    if (query.label) params.set('label', query.label);
    if (query.cursor) params.set('cursor', query.cursor);
    return this.call<ReviewListResponse>('GET', `/api/jobs/${enc(jobId)}/review?${params}`);
  };
  reviewItem = (jobId: string, taskId: string) =>
    this.call<ReviewItemResponse>('GET', `/api/jobs/${enc(jobId)}/review/${enc(taskId)}`);
}

export type { AnswerResponse };

const enc = encodeURIComponent;
