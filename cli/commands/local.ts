import { constants as osConstants } from 'node:os';
import type { Command } from 'commander';
import { LABELING_BACKENDS, type LabelingBackendName } from '../../functions/kernel/contracts/step-io';
import { createProgress } from '../../local-runtime/run/progress';
import {
  type LocalEnvironment,
  type LocalRunOptions,
  type LocalRunResult,
  type RunReporter,
  runLocalPipeline,
  startLocalEnvironment,
} from '../../local-runtime/run/run-local';
import { formatRunSummary } from '../../local-runtime/run/run-summary';

interface LocalCommandOptions {
  seed: number;
  workers?: number;
  autoLabeling?: boolean;
  train?: boolean;
  images?: string;
  annotations?: string;
  labels?: string;
  out?: string;
  jobOutcome: string;
  labelingBackend: string;
  labelers?: number;
  sampleSize?: number;
  label?: string | boolean;
  verbose?: boolean;
}

const JOB_OUTCOMES = ['Completed', 'Failed', 'Stopped'] as const;
type JobOutcome = (typeof JOB_OUTCOMES)[number];
const isJobOutcome = (value: string): value is JobOutcome => (JOB_OUTCOMES as readonly string[]).includes(value);

const BACKENDS = LABELING_BACKENDS;
const isBackend = (value: string): value is LabelingBackendName => (BACKENDS as readonly string[]).includes(value);

/** Options that need another (or exclude one), refused before anything starts. */
const checkOptions = (opts: LocalCommandOptions): void => {
  if (!isJobOutcome(opts.jobOutcome)) {
    throw new Error(`--job-outcome must be one of ${JOB_OUTCOMES.join(', ')}, got ${opts.jobOutcome}`);
  }
  if (!isBackend(opts.labelingBackend)) {
    throw new Error(`--labeling-backend must be one of ${BACKENDS.join(', ')}, got ${opts.labelingBackend}`);
  }
  const builtin = opts.labelingBackend === 'builtin';
  if (opts.jobOutcome !== 'Completed' && builtin) {
    throw new Error('--job-outcome simulates a Ground Truth job: use it with --labeling-backend ground-truth');
  }
  if ((opts.labelers !== undefined || opts.label !== undefined) && !builtin) {
    throw new Error("--labelers and --label work on the built-in backend's portal: use --labeling-backend builtin");
  }
  if (opts.labelers === 0 && opts.label === undefined)
    throw new Error('--labelers 0 needs --label: someone must label');
  if (opts.sampleSize !== undefined && opts.images !== undefined) {
    throw new Error('--sample-size sizes the generated sample; --images labels your own images instead');
  }
};

/** Progress lines as they come; counted work as a bar (local-runtime/run/progress.ts). */
const consoleReporter = (stream: NodeJS.WriteStream): RunReporter & { end(): void } => {
  const progress = createProgress(stream);
  return {
    line(message) {
      progress.close();
      stream.write(`${message}\n`);
    },
    progress: (label, done, total) => progress.bar(label.padEnd(10), done, total),
    end: () => progress.close(),
  };
};

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** The shell's convention: 128 + the signal number (Ctrl-C 130, SIGTERM 143, SIGHUP 129). */
const exitCodeOf = (signal: NodeJS.Signals): number => 128 + (osConstants.signals[signal] ?? 0);

const positiveInteger = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number, got ${value}`);
  return n;
};

/** The run options the command line asks for. */
const runOptions = (opts: LocalCommandOptions, reporter: RunReporter, signal: AbortSignal): LocalRunOptions => ({
  seed: opts.seed,
  reporter,
  signal,
  ...(opts.workers === undefined ? {} : { workers: opts.workers }),
  ...(opts.autoLabeling ? { autoLabeling: true } : {}),
  ...(opts.train ? { train: true } : {}),
  ...(opts.images === undefined ? {} : { images: opts.images }),
  ...(opts.annotations === undefined ? {} : { annotations: opts.annotations }),
  ...(opts.labels === undefined ? {} : { labels: opts.labels.split(',').map((l) => l.trim()) }),
  ...(opts.out === undefined ? {} : { out: opts.out }),
  ...(opts.jobOutcome === 'Completed' ? {} : { labelingOutcome: opts.jobOutcome as JobOutcome }),
  labelingBackend: opts.labelingBackend as LabelingBackendName,
  ...(opts.labelers === undefined ? {} : { labelers: opts.labelers }),
  ...(opts.sampleSize === undefined ? {} : { sampleSize: opts.sampleSize }),
  ...(opts.label === undefined ? {} : { person: typeof opts.label === 'string' ? { email: opts.label } : {} }),
});

/**
 * Ctrl-C, a closed terminal (SIGHUP) and `kill` (SIGTERM) abort the run and stop every local
 * server, which removes the local S3 folder; a second signal forces the exit.
 */
const watchSignals = (reporter: RunReporter, controller: AbortController) => {
  const state: { by?: NodeJS.Signals; message: string } = {
    message: 'stopping the run and the local servers (Ctrl-C again to force)',
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (state.by) process.exit(exitCodeOf(signal));
    state.by = signal;
    reporter.line(`\ninterrupted (${signal}): ${state.message}`);
    controller.abort();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  // Work the abort cut short (a handler still writing to a local server that is shutting down)
  // may fail after it: that is the abort's doing, so it is reported, and the exit code stays the
  // signal's. Before any signal, an unhandled rejection crashes the command as usual. Kept for
  // the process's life: such failures can come after the run has returned.
  process.on('unhandledRejection', (reason: unknown) => {
    if (!state.by) throw reason;
    reporter.line(`  (after the abort) ${reason instanceof Error ? reason.message : String(reason)}`);
  });
  // After a hang-up the terminal is gone: failing writes to it must not stop the clean-up.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
  });
  return {
    interruptedBy: () => state.by,
    /** What the first signal is said to do from now on. */
    whenInterrupted: (message: string) => {
      state.message = message;
    },
    dispose: () => {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    },
  };
};

type Signals = ReturnType<typeof watchSignals>;

/**
 * After a run with `--label`, the portal stays up so the person can see the review, until a
 * signal. Returns at once when the run was interrupted.
 */
const keepPortalUp = async (env: LocalEnvironment, result: LocalRunResult, signals: Signals, signal: AbortSignal) => {
  if (signal.aborted || result.runId === '') return;
  const admin = env.builtin.adminAccount();
  process.stdout.write(
    `\nThe labeling portal stays up so you can see the review: ${env.endpoints.portal}/#/jobs/${encodeURIComponent(result.runId)}/review\n` +
      `  (sign in as the admin ${admin.email} / ${admin.password}). Press Ctrl-C to stop it and the local servers.\n`,
  );
  signals.whenInterrupted('stopping the portal and the local servers');
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
};

const HEADLINES: Record<LabelingBackendName, string> = {
  builtin:
    'Labeling Pipeline, local run (no AWS account; built-in labeling with simulated labelers, Rekognition simulated)',
  'ground-truth': 'Labeling Pipeline, local run (no AWS account; SageMaker Ground Truth and Rekognition are simulated)',
};

/** Runs in `env` and prints the summary; what the run ended with, and the signal that cut it short, if any. */
const runAndSummarize = async (
  env: LocalEnvironment,
  opts: LocalCommandOptions,
  reporter: RunReporter & { end(): void },
  signals: Signals,
  signal: AbortSignal,
) => {
  const result = await runLocalPipeline({ ...runOptions(opts, reporter, signal), environment: env }).catch(
    (error: unknown) => {
      // Cut short by a signal, the run reports the abort, not the upload it interrupted.
      if (signals.interruptedBy()) return undefined;
      throw error;
    },
  );
  reporter.end();
  for (const line of result ? await formatRunSummary(result) : []) process.stdout.write(`${line}\n`);
  return { result, interrupted: signals.interruptedBy() };
};

const runLocalCommand = async (opts: LocalCommandOptions): Promise<void> => {
  checkOptions(opts);
  const reporter = consoleReporter(process.stdout);
  const controller = new AbortController();
  const signals = watchSignals(reporter, controller);
  try {
    reporter.line(HEADLINES[opts.labelingBackend as LabelingBackendName]);
    // The scheduled task-token sweep ticks every second, each tick an hour on the local clock.
    const env = await startLocalEnvironment({ logLevel: opts.verbose ? 'INFO' : 'SILENT', sweepEveryMs: 1000 });
    let ended: Awaited<ReturnType<typeof runAndSummarize>> | undefined;
    try {
      ended = await runAndSummarize(env, opts, reporter, signals, controller.signal);
      if (!ended.interrupted && ended.result && opts.label !== undefined) {
        await keepPortalUp(env, ended.result, signals, controller.signal);
      }
    } finally {
      await env.stop();
    }
    // A signal while the portal stayed up ends the command as asked: the exit code stays the run's.
    if (ended.interrupted) process.stdout.write('stopped: the run was aborted and every local server shut down\n');
    process.exitCode = ended.interrupted ? exitCodeOf(ended.interrupted) : ended.result?.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    signals.dispose();
    reporter.end();
  }
};

const addRunOptions = (command: Command): Command =>
  command
    .option('--seed <n>', 'seed of the sample batch and the simulated workers', positiveInteger('--seed'), 1)
    .option('--workers <n>', 'workers per image (1-9)', positiveInteger('--workers'))
    .option('--auto-labeling', 'ask for automated data labeling (used only when the batch is large enough)')
    .option('--train', 'also train a model version (simulated)')
    .option(
      '--images <folder>',
      "label your own images instead of the sample (with --annotations, or --label to label them yourself); the folder's batch.json, if any, is the run's",
    )
    .option(
      '--annotations <file>',
      'a Ground Truth output.manifest with the answers for --images (matched by file name)',
    )
    .option('--labels <list>', 'comma-separated labels (default: the sample labels, or those in --annotations)')
    .option('--out <dir>', "where to copy the run's files (default ./local-output/<runId>)");

const addLabelingOptions = (command: Command): Command =>
  command
    .option(
      '--labeling-backend <name>',
      "builtin (the stack's own labeling API, simulated labelers as its clients) or ground-truth (simulated SageMaker Ground Truth)",
      'builtin',
    )
    .option(
      '--labelers <n>',
      'simulated labelers of the built-in backend (default 4, one more than --workers)',
      positiveInteger('--labelers'),
    )
    .option(
      '--label [email]',
      'label in the browser too: each image waits for your answer (default you@example.com; password printed); the portal stays up after the run until Ctrl-C',
    )
    .option('--sample-size <n>', 'valid images in the generated sample (default 32)', positiveInteger('--sample-size'))
    .option(
      '--job-outcome <status>',
      'how the simulated Ground Truth job ends: Completed, Failed or Stopped (ground-truth backend)',
      'Completed',
    )
    .option('--verbose', "show the handlers' INFO logs");

/**
 * `labeling-pipeline local` (what `npm start` runs): the whole pipeline on this machine, no AWS
 * account. Ctrl-C (or SIGTERM, SIGHUP) aborts the run, stops every local server, removes the
 * local S3 folder and exits with 128 + the signal number (130 for Ctrl-C).
 */
export const registerLocal = (program: Command): void => {
  const command = program
    .command('local')
    .description(
      'Run the whole pipeline on this machine: local S3, DynamoDB and Cognito, the real state machine, handlers and labeling API, simulated labelers and Rekognition',
    );
  addLabelingOptions(addRunOptions(command))
    .addHelpText(
      'after',
      `
Ctrl-C, SIGTERM or SIGHUP (also sent to the whole process group) abort the run, stop every local server,
remove the local S3 folder and exit with 130, 143 or 129; a second one forces the exit. With --label the
portal stays up after the run, so you can see the review, until Ctrl-C (then the exit code is the run's).
Folders that earlier runs left behind (labeling-pipeline-s3-<pid>-* in the temp directory) are removed at
start once their process no longer runs.`,
    )
    .action(runLocalCommand);
};
