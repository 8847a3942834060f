/**
 * The task view's flow, without the DOM: which image is on screen, leases and the prefetched
 * next image, answers through the resend queue, lease expiry, and the way back after being
 * offline. The view draws what `TaskScreen` is told. Unit-tested in Node with an in-memory API.
 */
import { buildAnswer, type LabeledShape } from './answer';
import { ApiError, type JobDetail, SignedOut, type Task } from './api';
import type { Size } from './geometry';
import { type AnswerBody, classifyReply, type ResendQueue, retryDelayMs, type SendOutcome } from './resend-queue';
import type { Clock, DoneReason, TaskApi, TaskScreen } from './task-ports';

export type { Clock, DoneReason, Pause, TaskApi, TaskScreen } from './task-ports';

export const imageNumber = (taskId: string): number => Number(taskId) + 1;
const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

const REFUSAL_TEXT: Record<string, string> = {
  LEASE_LOST:
    'no longer counts: its time limit had passed and the image went to another labeler (or had all its answers), so it was not recorded.',
  ALREADY_ANSWERED: 'no longer counts: another tab or window already answered this image differently.',
  JOB_CLOSED: 'no longer counts: the job closed before it arrived.',
};

/** Only an API reply is a verdict; anything else thrown by fetch means the API could not be reached. */
const unreachable = (error: unknown): boolean => !(error instanceof ApiError || error instanceof SignedOut);

export class TaskFlow {
  current: Task | null = null;
  private next: Task | null = null;
  private shownAt = 0;
  private skipped = 0;
  private waiting = 0;
  private expiredImage: number | undefined;
  private offlineAttempts = 0;
  private cancelFlush: () => void = () => undefined;
  private cancelRetry: () => void = () => undefined;
  private cancelPrefetch: () => void = () => undefined;
  private flushing: Promise<void> | null = null;
  private stopped = false;

  constructor(
    readonly job: JobDetail,
    private readonly api: TaskApi,
    private readonly queue: ResendQueue,
    private readonly screen: TaskScreen,
    private readonly clock: Clock,
  ) {}

  /** Resends what is pending, resumes the caller's leases, else claims. */
  async start(): Promise<void> {
    await this.flush();
    let mine: Task[];
    try {
      mine = await this.resumable();
    } catch (error) {
      return this.pauseOrThrow(error);
    }
    const [first, second] = mine;
    if (!first) return this.advance();
    this.next = second ?? null;
    this.show(first);
    if (second) this.screen.preload(second.imageUrl);
    else void this.prefetch();
  }

  stop(): void {
    this.stopped = true;
    this.cancelFlush();
    this.cancelRetry();
    this.cancelPrefetch();
  }

  /** The prefetched image's task id, shown next (null while there is none). */
  nextTaskId(): string | null {
    return this.next?.taskId ?? null;
  }

  /** Images this labeler may still get: not answered by them, not complete, not skipped. */
  imagesLeft(): number {
    const { imageCount, myAnswers, imagesComplete } = this.job;
    const open = Math.min(imageCount - myAnswers, imageCount - imagesComplete);
    return Math.max(0, open - this.skipped - this.waiting);
  }

  progressText(): string {
    return `${plural(this.imagesLeft(), 'image')} left for you · ${this.job.myAnswers} answered by you`;
  }

  waitingText(): string {
    return this.waiting === 0 ? '' : `${plural(this.waiting, 'answer')} waiting to be sent`;
  }

  /** Queues the answer for the image on screen and moves on; or says what stops it. */
  submit(shapes: readonly LabeledShape[], image: Size, nothingToLabel: boolean): string | null {
    const task = this.current;
    if (!task) return null;
    const check = buildAnswer(shapes, image, this.job.labels, nothingToLabel, this.clock.now() - this.shownAt);
    if (!check.ok) return check.problem;
    this.queue.add(this.job.jobId, task.taskId, check.body);
    this.current = null;
    this.waiting = this.queue.list().length;
    this.screen.refresh();
    // The next image at once; the answer (and then the next prefetch) in the background.
    void this.advance().catch((error: unknown) => this.report(error));
    void this.flush();
    return null;
  }

  async skip(): Promise<void> {
    const task = this.current;
    if (!task) return;
    this.current = null;
    try {
      await this.api.skip(this.job.jobId, task.taskId);
      this.skipped += 1;
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'LEASE_LOST')) throw error;
    }
    await this.advance();
  }

  /** Seconds left on the image on screen, or null without one; at 0 the image is given up. */
  tick(): number | null {
    const task = this.current;
    if (!task) return null;
    const left = Math.round(this.leaseLeft(task) / 1000);
    if (left > 0) return left;
    this.current = null;
    this.expiredImage = imageNumber(task.taskId);
    this.screen.notify(
      `Time is up for image ${this.expiredImage}: its lease ran out and it went back to the pool, so what you drew on it was not sent.`,
      'warn',
      10_000,
    );
    void this.advance().catch((error: unknown) => this.report(error));
    return null;
  }

  /** Back online (or time to try again): send what waits, then get an image if none is on screen. */
  async reconnect(): Promise<void> {
    if (this.stopped) return;
    this.cancelRetry();
    await this.flush();
    if (!this.current) await this.advance();
  }

  /** The next image: the prefetched one while its lease lasts, else a fresh claim. */
  async advance(): Promise<void> {
    const next = this.next;
    this.next = null;
    if (next && this.leaseLeft(next) > 5000) {
      this.show(next);
      void this.flush();
      return;
    }
    let got: Task | DoneReason | null;
    try {
      got = await this.claim();
    } catch (error) {
      return this.pauseOrThrow(error);
    }
    if (got === null) return this.resumeLeased();
    if (typeof got === 'string') return this.screen.showDone(got);
    this.show(got);
    void this.flush();
  }

  /** Sends what the queue holds; a call during a flush runs once more after it. Then prefetches. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush());
    this.flushing = this.flushOnce().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    this.cancelFlush();
    const report = await this.queue.flush((answer) => this.send(answer.jobId, answer.taskId, answer.body));
    for (const answer of report.delivered) {
      if (answer.attempts > 0) {
        this.screen.notify(`Your answer for image ${imageNumber(answer.taskId)} was sent and counts.`, 'info');
      }
    }
    for (const { answer, code, message } of report.refused) {
      const what = REFUSAL_TEXT[code] ?? `was refused: ${message}`;
      this.screen.notify(`Your answer for image ${imageNumber(answer.taskId)} ${what}`, 'warn', 15_000);
    }
    this.waiting = report.waiting.length;
    if (this.waiting > 0) {
      const attempts = Math.max(...report.waiting.map((a) => a.attempts));
      this.cancelFlush = this.clock.later(() => void this.flush(), retryDelayMs(attempts));
    } else if (this.current && !this.next) {
      // Only once the answered image's lease is consumed: the API allows two leases at a time.
      void this.prefetch();
    }
    this.screen.refresh();
  }

  private async send(jobId: string, taskId: string, body: AnswerBody): Promise<SendOutcome> {
    const reply = await this.api.answer(jobId, taskId, body);
    const outcome = classifyReply(reply.status, reply.body);
    const progress = (reply.body as { progress?: Partial<JobDetail> } | null)?.progress;
    if (outcome.kind === 'delivered' && jobId === this.job.jobId && progress) {
      this.job.myAnswers = progress.myAnswers ?? this.job.myAnswers + 1;
      this.job.imagesComplete = progress.imagesComplete ?? this.job.imagesComplete;
    }
    return outcome;
  }

  private show(task: Task): void {
    this.current = task;
    this.shownAt = this.clock.now();
    this.offlineAttempts = 0;
    if (this.expiredImage !== undefined) {
      this.screen.notify('Connected again: here is a new image.', 'info');
      this.expiredImage = undefined;
    }
    this.screen.showTask(task);
  }

  private async claim(): Promise<Task | DoneReason | null> {
    try {
      const reply = await this.api.claim(this.job.jobId);
      return reply.task ?? reply.reason;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'TOO_MANY_LEASES') return null;
      throw error;
    }
  }

  /** Claims the next image ahead; refused for too many leases (an answer not yet consumed), tries again. */
  private async prefetch(): Promise<void> {
    if (this.next || this.stopped) return;
    const got = await this.claim().catch(() => undefined);
    if (got && typeof got === 'object') {
      this.next = got;
      this.screen.preload(got.imageUrl);
      this.screen.refresh();
    } else if (got === null && this.current) {
      this.cancelPrefetch();
      this.cancelPrefetch = this.clock.later(() => void this.prefetch(), 2000);
    }
  }

  /** My leases worth resuming: not answered (queued), not on screen, not about to run out. */
  private async resumable(): Promise<Task[]> {
    const { tasks } = await this.api.myTasks(this.job.jobId);
    return tasks.filter(
      (t) => !this.queue.has(this.job.jobId, t.taskId) && t.taskId !== this.current?.taskId && this.leaseLeft(t) > 3000,
    );
  }

  /** Claiming refused (TOO_MANY_LEASES): another tab holds leases, or answers still wait to be sent. */
  private async resumeLeased(): Promise<void> {
    const [mine] = await this.resumable();
    if (mine) return this.show(mine);
    if (this.waiting > 0) {
      this.screen.notify('Waiting for your previous answers to be sent before the next image…', 'info', 3000);
    }
    this.cancelRetry = this.clock.later(() => void this.advance().catch((e: unknown) => this.report(e)), 3000);
  }

  /** The API could not be reached: say so, keep what waits, and try again (sooner when back online). */
  private pauseOrThrow(error: unknown): void {
    if (!unreachable(error)) throw error;
    this.current = null;
    this.waiting = this.queue.list().length;
    this.screen.showPaused({
      waiting: this.waiting,
      ...(this.expiredImage === undefined ? {} : { expiredImage: this.expiredImage }),
    });
    this.offlineAttempts += 1;
    this.cancelRetry();
    this.cancelRetry = this.clock.later(() => void this.reconnect(), retryDelayMs(this.offlineAttempts));
  }

  private report(error: unknown): void {
    this.screen.notify(error instanceof Error ? error.message : String(error), 'error');
  }
  private leaseLeft(task: Task): number {
    return Date.parse(task.leaseExpiresAt) - this.clock.now();
  }
}
