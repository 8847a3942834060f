// A type only: handler modules load lazily, after the local environment is set up.
import type { SweepResult } from '../../functions/labeling/sweep-task-tokens/handler';
import { eventEnvelope } from '../stand-ins/eventbridge';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './local-environment';
import { invokeHandler } from './step-functions-runtime';

const RULE_ARN = `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/labeling-pipeline-local-task-token-sweep`;

/**
 * Local time runs fast (waits of milliseconds, labeling in a second), so each tick of the sweep
 * sees the clock an hour ahead, as the deployed hourly schedule would after a real hour.
 */
const CLOCK_AHEAD_MS = 60 * 60 * 1000;

export interface TaskTokenSweep {
  /** One tick of TaskTokenSweepRule: the "Scheduled Event" to the real sweepTaskTokens handler. */
  tick(): Promise<SweepResult>;
  /** Stops the timer and waits for a tick in flight. */
  stop(): Promise<void>;
}

/** The scheduled sweep, every `everyMs` (or only on `tick()` when it is undefined); `say` shows what it did. */
export const taskTokenSweep = (say: (line: string) => void, everyMs?: number): TaskTokenSweep => {
  const tick = async (): Promise<SweepResult> => {
    const event = eventEnvelope('aws.events', 'Scheduled Event', [RULE_ARN], {});
    event.time = new Date(Date.now() + CLOCK_AHEAD_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const result = (await invokeHandler('sweepTaskTokens', event)) as SweepResult;
    for (const token of result.tokens) {
      if (token.action === 'resumed') say(`  task-token sweep: job ${token.jobName} ended ${token.outcome}`);
    }
    return result;
  };
  let running: Promise<unknown> | undefined;
  const timer =
    everyMs === undefined
      ? undefined
      : setInterval(() => {
          // One tick at a time; a failed tick is reported (the deployed target would dead-letter it).
          running ??= tick()
            .catch((error: unknown) => say(`! sweepTaskTokens failed: ${(error as Error).message}`))
            .finally(() => {
              running = undefined;
            });
        }, everyMs);
  timer?.unref();
  return {
    tick,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
};
