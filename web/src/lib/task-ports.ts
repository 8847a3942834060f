/** What the task flow needs around it: the screen it drives, the API it calls, a clock. */
import type { ClaimResponse, Task } from './api';
import type { AnswerBody } from './resend-queue';

export type DoneReason = 'NO_TASKS_LEFT' | 'ALL_LEASED';

/** Why no image is on screen while the job goes on: the API cannot be reached (offline). */
export interface Pause {
  /** The number of the image whose lease ran out while offline, if one did. */
  expiredImage?: number;
  waiting: number;
}

export interface TaskScreen {
  showTask(task: Task): void;
  showDone(reason: DoneReason): void;
  showPaused(pause: Pause): void;
  notify(message: string, kind: 'info' | 'warn' | 'error', ms?: number): void;
  /** Progress or the number of waiting answers changed. */
  refresh(): void;
  preload(url: string): void;
}

/** The calls of the labeling API the flow makes. */
export interface TaskApi {
  claim(jobId: string): Promise<ClaimResponse>;
  myTasks(jobId: string): Promise<{ tasks: Task[] }>;
  skip(jobId: string, taskId: string): Promise<unknown>;
  answer(jobId: string, taskId: string, body: AnswerBody): Promise<{ status: number; body: unknown }>;
}

export interface Clock {
  now(): number;
  /** Runs `run` after `ms`; the returned function cancels it. */
  later(run: () => void, ms: number): () => void;
}
