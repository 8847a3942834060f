/**
 * Answers not yet acknowledged by the API, kept in localStorage so that neither a network drop
 * nor a reload loses them. An answer is queued before it is sent and leaves the queue only on
 * a definite reply: accepted (or a duplicate of one already recorded), or refused for good.
 * Pure: the storage and the sender are passed in.
 */

export interface AnswerBody {
  boxes: { label: string; left: number; top: number; width: number; height: number }[];
  nothingToLabel: boolean;
  durationMs?: number;
}

export interface PendingAnswer {
  jobId: string;
  taskId: string;
  body: AnswerBody;
  queuedAt: string;
  attempts: number;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** What one attempt to send came to. */
export type SendOutcome =
  | { kind: 'delivered'; duplicate: boolean }
  | { kind: 'refused'; code: string; message: string }
  | { kind: 'retry'; reason: string };

/** How an HTTP reply to an answer is treated: 2xx delivered, 4xx refused for good, anything else retried. */
export const classifyReply = (status: number, body: unknown): SendOutcome => {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (status >= 200 && status < 300) return { kind: 'delivered', duplicate: record.duplicate === true };
  const error = (record.error ?? {}) as Record<string, unknown>;
  const code = typeof error.code === 'string' ? error.code : `HTTP_${status}`;
  const message = typeof error.message === 'string' ? error.message : `the API answered ${status}`;
  // 401 is retried: the token is refreshed and the answer is still worth sending.
  if (status >= 400 && status < 500 && status !== 401 && status !== 408 && status !== 429) {
    return { kind: 'refused', code, message };
  }
  return { kind: 'retry', reason: `${code}: ${message}` };
};

/** Delay before the next attempt: 1 s doubling to 30 s. */
export const retryDelayMs = (attempts: number): number => Math.min(30_000, 1000 * 2 ** Math.max(0, attempts - 1));

const STORAGE_KEY = 'labeling-pipeline.pending-answers.v1';

export interface FlushReport {
  delivered: PendingAnswer[];
  refused: { answer: PendingAnswer; code: string; message: string }[];
  waiting: PendingAnswer[];
}

export class ResendQueue {
  constructor(private readonly storage: KeyValueStorage) {}

  list(): PendingAnswer[] {
    try {
      const parsed: unknown = JSON.parse(this.storage.getItem(STORAGE_KEY) ?? '[]');
      return Array.isArray(parsed) ? (parsed as PendingAnswer[]) : [];
    } catch {
      return [];
    }
  }

  has(jobId: string, taskId: string): boolean {
    return this.list().some((a) => a.jobId === jobId && a.taskId === taskId);
  }

  /** Queues an answer; a second answer for the same task replaces the first only while it is unsent. */
  add(jobId: string, taskId: string, body: AnswerBody, now = new Date()): PendingAnswer {
    const answer: PendingAnswer = { jobId, taskId, body, queuedAt: now.toISOString(), attempts: 0 };
    const others = this.list().filter((a) => !(a.jobId === jobId && a.taskId === taskId));
    this.save([...others, answer]);
    return answer;
  }

  /**
   * Sends every queued answer once, oldest first, one at a time (so a duplicate can never race
   * itself). Stops at the first answer that must wait: the network is likely down for the rest too.
   */
  async flush(send: (answer: PendingAnswer) => Promise<SendOutcome>): Promise<FlushReport> {
    const report: FlushReport = { delivered: [], refused: [], waiting: [] };
    const queue = this.list();
    for (let i = 0; i < queue.length; i++) {
      const answer = queue[i] as PendingAnswer;
      let outcome: SendOutcome;
      try {
        outcome = await send(answer);
      } catch (error) {
        outcome = { kind: 'retry', reason: error instanceof Error ? error.message : String(error) };
      }
      if (outcome.kind === 'retry') {
        this.bumpAttempts(answer);
        report.waiting.push(...this.list());
        return report;
      }
      this.remove(answer.jobId, answer.taskId);
      if (outcome.kind === 'delivered') report.delivered.push(answer);
      else report.refused.push({ answer, code: outcome.code, message: outcome.message });
    }
    return report;
  }

  private remove(jobId: string, taskId: string): void {
    this.save(this.list().filter((a) => !(a.jobId === jobId && a.taskId === taskId)));
  }

  private bumpAttempts(answer: PendingAnswer): void {
    this.save(
      this.list().map((a) =>
        a.jobId === answer.jobId && a.taskId === answer.taskId ? { ...a, attempts: a.attempts + 1 } : a,
      ),
    );
  }

  private save(answers: PendingAnswer[]): void {
    this.storage.setItem(STORAGE_KEY, JSON.stringify(answers));
  }
}
