import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import type {
  AnswerBody,
  AnswerResponse,
  ClaimResponse,
  JobDetail,
  Task,
} from '../../functions/labeling/builtin/contracts/api';
import { attributeOfMetadataKey } from '../../functions/labeling/contracts/labeling-output/layout';
import { readOutputLine } from '../../functions/labeling/contracts/labeling-output/read-output-line';
import type { TruthImage } from '../sample/sample-batch';
import { createRandom } from '../sample/seeded-random';
import { hashString, workerAnswer } from './ground-truth-simulator';

/** A labeler's sign-in in the local pool. */
export interface LabelerAccount {
  email: string;
  password: string;
}

export interface LabelingCrewOptions {
  /** The portal origin (`/api` under it). */
  portal: string;
  cognito: { endpoint: string; clientId: string };
  labelers: LabelerAccount[];
  /** Closes the job when every labeler has run out of work before the job completed itself. */
  admin: LabelerAccount;
  jobId: string;
  /** The true boxes of the image at an S3 key (from the presigned URL); `undefined`: "nothing to label". */
  truthFor(key: string): TruthImage | undefined;
  labels: string[];
  seed: number;
  /** Share of tasks a labeler skips (default 0.01). */
  skipRate?: number;
  /** Share of answers sent twice, as after a dropped connection (default 0.02): the API must call it a duplicate. */
  resendRate?: number;
  /** How long to wait for the job to appear (default 5 minutes). */
  appearTimeoutMs?: number;
  /** Close the job when the labelers run out of work and it is still open (default true). */
  closeWhenIdle?: boolean;
  signal?: AbortSignal;
  /** Called once, when the job exists and is open. */
  onJobOpen?(job: JobDetail): void;
  onProgress?(answersReceived: number, answersNeeded: number): void;
}

export interface LabelingCrewResult {
  claims: number;
  answers: number;
  skips: number;
  duplicates: number;
  /** Claims that found every remaining image leased by someone else. */
  allLeased: number;
  /** Answers refused because the lease had passed on (should stay 0 with leases of minutes). */
  leaseLost: number;
  /** Milliseconds per claim, in order. */
  claimLatenciesMs: number[];
  /** Answers accepted per labeler e-mail. */
  answersBy: Record<string, number>;
  /** True when the admin closed the job because no labeler could answer more. */
  closedByAdmin: boolean;
  /** From the job's appearance until every labeler stopped (the API work alone). */
  workMs: number;
  elapsedMs: number;
}

/** An HTTP status the labeler did not expect, with the API's error code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** Signs in with USER_PASSWORD_AUTH as the page does; returns the ID token the API expects. */
export const signIn = async (
  client: CognitoIdentityProviderClient,
  clientId: string,
  account: LabelerAccount,
): Promise<string> => {
  const out = await client.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: account.email, PASSWORD: account.password },
    }),
  );
  const token = out.AuthenticationResult?.IdToken;
  if (!token) throw new Error(`sign-in of ${account.email} asked for ${out.ChallengeName ?? 'nothing'}, not tokens`);
  return token;
};

/** A small client of the labeling API for one signed-in labeler. */
export const apiClient = (portal: string, idToken: string) => {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${portal}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${idToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as T };
  };
  const expect = async <T>(method: string, path: string, ok: number[], body?: unknown) => {
    const result = await call<T & { error?: { code: string; message: string } }>(method, path, body);
    if (!ok.includes(result.status)) {
      const error = result.body.error;
      throw new ApiError(
        result.status,
        error?.code ?? String(result.status),
        `${method} ${path}: ${result.status} ${error?.code ?? ''} ${error?.message ?? JSON.stringify(result.body)}`,
      );
    }
    return result;
  };
  return { call, expect };
};

/** The S3 key in a presigned path-style URL (`/<bucket>/<key>?X-Amz-...`). */
export const keyOfImageUrl = (imageUrl: string): string => {
  const path = new URL(imageUrl).pathname.split('/').slice(2).join('/');
  return decodeURIComponent(path);
};

/** What a simulated labeler draws on a task: the simulator's noise model around the true boxes. */
export const drawAnswer = (
  task: Pick<Task, 'taskId' | 'width' | 'height'>,
  truth: TruthImage | undefined,
  labels: string[],
  seed: number,
  labeler: string,
): AnswerBody => {
  const random = createRandom(hashString(`${labeler}|${task.taskId}`) ^ seed);
  const image = truth ?? { width: task.width, height: task.height, boxes: [] };
  const boxes = workerAnswer(random, image, image.boxes, labels)
    .map((box) => ({
      ...box,
      // Inside the image and at least a pixel, as the page lets one draw.
      left: Math.min(box.left, task.width - 1),
      top: Math.min(box.top, task.height - 1),
    }))
    .map((box) => ({
      ...box,
      width: Math.max(1, Math.min(box.width, task.width - box.left)),
      height: Math.max(1, Math.min(box.height, task.height - box.top)),
    }));
  return {
    boxes,
    nothingToLabel: boxes.length === 0,
    durationMs: Math.round(2000 + random() * 9000),
  };
};

type Api = ReturnType<typeof apiClient>;
type Step = 'next' | 'done';

const emptyResult = (): LabelingCrewResult => ({
  claims: 0,
  answers: 0,
  skips: 0,
  duplicates: 0,
  allLeased: 0,
  leaseLost: 0,
  claimLatenciesMs: [],
  answersBy: {},
  closedByAdmin: false,
  workMs: 0,
  elapsedMs: 0,
});

/** Polls the job as the admin until it exists (404 until the run's labeling step created it). */
const waitForJob = async (
  admin: Api,
  jobPath: string,
  options: LabelingCrewOptions,
): Promise<JobDetail | undefined> => {
  const deadline = Date.now() + (options.appearTimeoutMs ?? 300_000);
  while (!options.signal?.aborted) {
    const got = await admin.call<JobDetail>('GET', jobPath);
    if (got.status === 200) return got.body;
    if (got.status !== 404) throw new ApiError(got.status, String(got.status), `GET ${jobPath}: ${got.status}`);
    if (Date.now() > deadline) throw new Error(`job ${jobPath} did not appear`);
    await sleep(100, options.signal);
  }
  return undefined;
};

/** One simulated labeler's session: claim, look, draw, answer (sometimes twice), or skip. */
class SimulatedLabeler {
  private backoffMs = 20;
  private readonly random: () => number;

  constructor(
    private readonly api: Api,
    private readonly account: LabelerAccount,
    index: number,
    private readonly jobPath: string,
    private readonly options: LabelingCrewOptions,
    private readonly result: LabelingCrewResult,
  ) {
    this.random = createRandom(options.seed * 7919 + index);
  }

  async run(): Promise<void> {
    let step: Step = 'next';
    while (step === 'next' && !this.options.signal?.aborted) step = await this.step();
  }

  private async step(): Promise<Step> {
    const before = performance.now();
    const claim = await this.api.expect<ClaimResponse>('POST', `${this.jobPath}/tasks`, [200, 410]);
    this.result.claimLatenciesMs.push(performance.now() - before);
    this.result.claims += 1;
    if (claim.status === 410) return 'done';
    const { task } = claim.body;
    if (task !== null) {
      this.backoffMs = 20;
      return this.work(task);
    }
    if ('reason' in claim.body && claim.body.reason === 'NO_TASKS_LEFT') return 'done';
    this.result.allLeased += 1;
    // Others hold the last images; they answer, or their leases expire.
    await sleep(this.backoffMs, this.options.signal);
    this.backoffMs = Math.min(this.backoffMs * 2, 1000);
    return 'next';
  }

  private async work(task: Task): Promise<Step> {
    const image = await fetch(task.imageUrl);
    if (!image.ok) throw new Error(`presigned image of task ${task.taskId} answered ${image.status}`);
    await image.arrayBuffer();
    const taskPath = `${this.jobPath}/tasks/${task.taskId}`;
    if (this.random() < (this.options.skipRate ?? 0.01)) {
      const skipped = await this.api.expect('POST', `${taskPath}/skip`, [200, 409, 410]);
      if (skipped.status === 200) this.result.skips += 1;
      return skipped.status === 410 ? 'done' : 'next';
    }
    const { options } = this;
    const answer = drawAnswer(
      task,
      options.truthFor(keyOfImageUrl(task.imageUrl)),
      options.labels,
      options.seed,
      this.account.email,
    );
    const sends = this.random() < (options.resendRate ?? 0.02) ? 2 : 1;
    for (let send = 0; send < sends; send += 1) {
      const outcome = await this.send(`${taskPath}/answer`, answer);
      if (outcome === 'done') return 'done';
      if (outcome === 'lost') break;
    }
    return 'next';
  }

  private async send(path: string, answer: AnswerBody): Promise<Step | 'lost'> {
    const sent = await this.api.expect<AnswerResponse & { error?: { code: string } }>(
      'POST',
      path,
      [200, 409, 410],
      answer,
    );
    if (sent.status === 410) return 'done';
    if (sent.status === 409) {
      if (sent.body.error?.code !== 'LEASE_LOST')
        throw new ApiError(409, sent.body.error?.code ?? '', `${path}: refused`);
      this.result.leaseLost += 1;
      return 'lost';
    }
    if (sent.body.duplicate) {
      this.result.duplicates += 1;
      return 'next';
    }
    this.result.answers += 1;
    this.result.answersBy[this.account.email] = (this.result.answersBy[this.account.email] ?? 0) + 1;
    this.options.onProgress?.(sent.body.progress.answersReceived, sent.body.progress.answersNeeded);
    return 'next';
  }
}

/**
 * Simulated labelers as API clients: each signs in through the (local) Cognito endpoint,
 * waits for the job, then claims, fetches the image through its presigned URL, draws with the
 * simulator's noise model and answers (or skips) through the HTTP API, until no task is left.
 * When all have run out and the job is still open (images skipped by too many), the admin
 * closes it, as a team lead would.
 */
export const runLabelingCrew = async (options: LabelingCrewOptions): Promise<LabelingCrewResult> => {
  const started = Date.now();
  const cognito = new CognitoIdentityProviderClient({
    endpoint: options.cognito.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const result = emptyResult();
  const jobPath = `/api/jobs/${encodeURIComponent(options.jobId)}`;
  const session = async (account: LabelerAccount) =>
    apiClient(options.portal, await signIn(cognito, options.cognito.clientId, account));
  try {
    const admin = await session(options.admin);
    const job = await waitForJob(admin, jobPath, options);
    if (job?.status !== 'open') return result;
    options.onJobOpen?.(job);
    const workStarted = Date.now();
    await Promise.all(
      options.labelers.map(async (account, index) =>
        new SimulatedLabeler(await session(account), account, index, jobPath, options, result).run(),
      ),
    );
    result.workMs = Date.now() - workStarted;
    const after = await admin.expect<JobDetail>('GET', jobPath, [200]);
    if (after.body.status === 'open' && options.closeWhenIdle !== false && !options.signal?.aborted) {
      const closed = await admin.call('POST', `${jobPath}/close`);
      result.closedByAdmin = closed.status === 202;
    }
    return result;
  } finally {
    result.elapsedMs = Date.now() - started;
    cognito.destroy();
  }
};

type ManifestLine = Record<string, unknown>;

/**
 * True boxes from a Ground Truth output manifest (the `--images`/`--annotations` run), by the
 * image's file name: the simulated labelers draw around those boxes, as the Ground Truth
 * stand-in replays them.
 */
export const truthFromOutputManifest = (lines: string[]): Map<string, TruthImage> => {
  const truth = new Map<string, TruthImage>();
  for (const line of lines) {
    let record: ManifestLine;
    try {
      record = JSON.parse(line) as ManifestLine;
    } catch {
      continue;
    }
    const sourceRef = record['source-ref'];
    if (typeof sourceRef !== 'string') continue;
    for (const key of Object.keys(record)) {
      const attribute = attributeOfMetadataKey(key);
      const view = attribute === undefined ? undefined : readOutputLine(record, attribute);
      if (!view?.labeled || view.width === 0) continue;
      truth.set(sourceRef.split('/').pop() ?? sourceRef, {
        width: view.width,
        height: view.height,
        boxes: view.boxes.map((b) => ({
          label: b.label ?? b.classId,
          left: b.left,
          top: b.top,
          width: b.width,
          height: b.height,
        })),
      });
    }
  }
  return truth;
};
