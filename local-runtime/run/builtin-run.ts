import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Job } from '../../functions/labeling/builtin/contracts/api';
import {
  apiClient,
  type LabelerAccount,
  type LabelingCrewResult,
  runLabelingCrew,
  signIn,
  truthFromOutputManifest,
} from '../labelers/simulated-labelers';
import type { LocalEnvironment, RunReporter } from '../stack/local-stack';
import type { prepareBatch } from './local-batch';

/** One more than the default workersPerObject (3), so a skipped image still gets its answers. */
export const DEFAULT_LABELERS = 4;
/** NumberOfHumanWorkersPerDataObject's range, which the built-in backend keeps (1-9). */
const MAX_WORKERS = 9;

/** The sign-in of a person labeling next to the simulated labelers, once their job is open. */
export interface JobReadyInfo {
  jobId: string;
  portal: string;
  email: string;
  password: string;
}

/** What a local run on the built-in backend adds to a run's options. */
export interface BuiltinRunOptions {
  /** Simulated labelers of the built-in backend (default 4, one more than workersPerObject; 0 with `person`). */
  labelers?: number;
  /** Share of tasks a simulated labeler skips (default 0.01; none next to a person). */
  skipRate?: number;
  /** Share of answers a simulated labeler sends twice, as after a dropped connection (default 0.02). */
  resendRate?: number;
  /**
   * A person labels too (`npm start -- --label`, the browser tests): each image needs one answer
   * more than the simulated labelers give, the job waits for the person, and the run has no
   * timeout unless `timeoutMs` is given. Default e-mail you@example.com, password generated.
   */
  person?: { email?: string; password?: string };
  /** Called once the job is open, with the person's sign-in (or the admin's when no person takes part). */
  onJobReady?(info: JobReadyInfo): void;
}

/** With a person, workersPerObject is the simulated labelers plus one; otherwise as asked. */
export const builtinWorkers = (options: BuiltinRunOptions & { workers?: number }): { workers?: number } => {
  if (!options.person) return options.workers === undefined ? {} : { workers: options.workers };
  const workers = (options.labelers ?? 0) + 1;
  if (workers > MAX_WORKERS) {
    throw new Error(
      `with a person labeling, at most ${MAX_WORKERS - 1} simulated labelers (workersPerObject ≤ ${MAX_WORKERS})`,
    );
  }
  return { workers };
};

type Batch = Awaited<ReturnType<typeof prepareBatch>>;

/** What the labeling did through the API: the simulated labelers' work, and the person's answers. */
export interface BuiltinLabelingResult extends LabelingCrewResult {
  person?: { email: string; answers: number };
}

/** The person's accepted answers, as the API counts them for them (the job's `myAnswers`). */
const personAnswers = async (env: LocalEnvironment, jobId: string, person: LabelerAccount): Promise<number> => {
  const cognito = new CognitoIdentityProviderClient({
    endpoint: env.endpoints.cognito,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const api = apiClient(env.endpoints.portal, await signIn(cognito, env.cognito.clientId, person));
    const { body } = await api.expect<Job>('GET', `/api/jobs/${encodeURIComponent(jobId)}`, [200]);
    return body.myAnswers;
  } finally {
    cognito.destroy();
  }
};

const labelerCount = (options: BuiltinRunOptions & { workers?: number }): number =>
  options.labelers ?? (options.person ? 0 : Math.max(DEFAULT_LABELERS, (options.workers ?? 0) + 1));

/**
 * The built-in backend's simulated labelers for one run, working through the portal's API while
 * the execution waits; a labeler failure aborts the execution so the run ends with the reason.
 */
export const startLabelingCrew = (
  env: LocalEnvironment,
  options: BuiltinRunOptions & { seed?: number; workers?: number },
  batch: Batch,
  jobId: string,
  abortExecution: () => void,
  reporter: RunReporter,
): { stop(): void; finish(): Promise<BuiltinLabelingResult | undefined> } => {
  const controller = new AbortController();
  const prefix = `incoming/${batch.name}/`;
  const replayed = truthFromOutputManifest(batch.profile.annotationLines ?? []);
  const admin = env.builtin.adminAccount();
  const person = options.person ? env.builtin.personAccount(options.person) : undefined;
  const labelers = env.builtin.labelerAccounts(labelerCount(options));
  reporter.line(
    `labeling portal ${env.endpoints.portal} (while the run lasts): admin sign-in ${admin.email} / ${admin.password}; ${labelers.length} simulated labeler${labelers.length === 1 ? '' : 's'} work through its API`,
  );
  const done = runLabelingCrew({
    portal: env.endpoints.portal,
    cognito: { endpoint: env.endpoints.cognito, clientId: env.cognito.clientId },
    labelers,
    admin,
    jobId,
    truthFor: (key) => batch.profile.truth?.[key.slice(prefix.length)] ?? replayed.get(key.split('/').pop() ?? key),
    labels: batch.labels,
    seed: options.seed ?? 1,
    // Next to a person each image needs every simulated labeler's answer (workersPerObject is
    // theirs plus one): one skip would leave an image nobody else can finish, and the run waiting.
    ...(person ? { skipRate: 0 } : options.skipRate === undefined ? {} : { skipRate: options.skipRate }),
    ...(options.resendRate === undefined ? {} : { resendRate: options.resendRate }),
    // The person finishes the job; nobody closes it early for them.
    closeWhenIdle: person === undefined,
    signal: controller.signal,
    onJobOpen: () => {
      const who = person ?? admin;
      if (person) {
        reporter.line(
          `label at ${env.endpoints.portal}/#/jobs/${jobId}/label  sign in as ${who.email} / ${who.password}`,
        );
      }
      options.onJobReady?.({ jobId, portal: env.endpoints.portal, email: who.email, password: who.password });
    },
    onProgress: (received, needed) => reporter.progress('labeling', received, needed),
  }).then(
    (result) => {
      if (result.closedByAdmin) reporter.line(`  ${admin.email} closed the job: no labeler could answer more`);
      return result;
    },
    (error: unknown) => {
      reporter.line(`! simulated labelers failed: ${(error as Error).message}`);
      abortExecution();
      return undefined;
    },
  );
  /** Once the execution has ended: the crew's result, with the person's answers as the API counted them. */
  const finish = async (): Promise<BuiltinLabelingResult | undefined> => {
    controller.abort();
    const result = await done;
    if (result === undefined || person === undefined) return result;
    const answers = await personAnswers(env, jobId, person).catch((error: unknown) => {
      reporter.line(`! could not count ${person.email}'s answers: ${(error as Error).message}`);
      return undefined;
    });
    return answers === undefined ? result : { ...result, person: { email: person.email, answers } };
  };
  return { stop: () => controller.abort(), finish };
};
