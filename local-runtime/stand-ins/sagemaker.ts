import { jobOutputPrefix, outputManifestKey } from '../../functions/labeling/contracts/labeling-output/layout';
import { replayAnnotations, simulateLabelingJob } from '../labelers/ground-truth-simulator';
import type { TruthImage } from '../sample/sample-batch';
import { type DeliveredEvent, eventEnvelope } from './eventbridge';
import {
  ACCOUNT_ID,
  epochSeconds,
  type JsonObject,
  optionalObject,
  REGION,
  requireObject,
  requireString,
  ServiceError,
  type StandInService,
} from './json-protocol';
import type { ObjectStore } from './object-store';

export type LabelingJobStatus = 'Initializing' | 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

export interface LabelCounters {
  TotalLabeled: number;
  HumanLabeled: number;
  MachineLabeled: number;
  FailedNonRetryableError: number;
  Unlabeled: number;
}

/**
 * How the simulated workforce treats the objects of one batch, registered by the runner before
 * the run starts and found again through the input manifest's `source-ref`s.
 */
export interface LabelingProfile {
  /** `s3://bucket/incoming/<batch>/`: every source-ref of the batch starts with it. */
  sourcePrefix: string;
  /** True boxes by file name (relative to `sourcePrefix`): the simulated workers label these. */
  truth?: Record<string, TruthImage>;
  /** A real Ground Truth output manifest to replay instead of simulating (`--annotations`). */
  annotationLines?: string[];
  /** Test hook: end the job Failed (with `failureReason`) or Stopped instead of Completed. */
  outcome?: 'Completed' | 'Failed' | 'Stopped';
  failureReason?: string;
  seed: number;
  /** Share of objects whose labeling fails (`failure-reason` lines). */
  failureRate?: number;
  /** Test hook: the job's state-change event is lost (so the run must reconcile after its wait times out). */
  loseEvent?: boolean;
}

export interface LabelingProgress {
  jobName: string;
  status: LabelingJobStatus;
  labeled: number;
  total: number;
}

/** A private workforce "in" the account, with the work teams bound to it (ListWorkforces, ListWorkteams). */
export interface StandInWorkforce {
  name: string;
  /** The Cognito user pool and app client the workforce signs workers in with. */
  userPool: string;
  clientId: string;
  teams: string[];
}

export interface SageMakerStandInOptions {
  store: ObjectStore;
  /** Delivers a "SageMaker Ground Truth Labeling Job State Change" event, as the EventBridge rule does. */
  deliverEvent: (event: DeliveredEvent) => Promise<void>;
  onProgress?: (progress: LabelingProgress) => void;
  /** How long the simulated workforce takes for a whole job (default 1,200 ms). */
  labelingMs?: number;
}

interface Job {
  name: string;
  arn: string;
  request: JsonObject;
  status: LabelingJobStatus;
  counters: LabelCounters;
  createdAt: Date;
  modifiedAt: Date;
  failureReason?: string;
  outputUri?: string;
  /** How the simulated workforce treats this job's objects (found from its input manifest). */
  profile?: LabelingProfile;
  timers: NodeJS.Timeout[];
}

const PROGRESS_STEPS = 8;
const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

const zeroCounters = (): LabelCounters => ({
  TotalLabeled: 0,
  HumanLabeled: 0,
  MachineLabeled: 0,
  FailedNonRetryableError: 0,
  Unlabeled: 0,
});

const sleep = (ms: number, job: Job): Promise<void> =>
  new Promise((resolve) => {
    job.timers.push(setTimeout(resolve, ms));
  });

const sourceRefsOf = (manifest: string): string[] =>
  manifest
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const ref = (JSON.parse(line) as JsonObject)['source-ref'];
      if (typeof ref !== 'string') throw new Error('ClientError: an input manifest line has no source-ref');
      return ref;
    });

const labelsOf = (config: string): string[] => {
  const parsed = JSON.parse(config) as { labels?: { label?: unknown }[] };
  const labels = (parsed.labels ?? []).map((l) => l.label).filter((l): l is string => typeof l === 'string');
  if (labels.length === 0) throw new Error('ClientError: the label category configuration has no labels');
  return labels;
};

/**
 * SageMaker Ground Truth stand-in (awsJson1_1, target prefix `SageMaker`): CreateLabelingJob
 * starts a simulated workforce that labels the input manifest's images from their known truth
 * (or replays a real output manifest), writes `<S3OutputPath><job>/manifests/output/output.manifest`
 * and ends the job, announcing the new status with the real EventBridge event shape (https://docs.aws.amazon.com/sagemaker/latest/dg/sms-monitor-cloud-watch.html).
 */
export class SageMakerStandIn {
  private readonly jobs = new Map<string, Job>();
  private readonly profiles: LabelingProfile[] = [];
  private workforce: StandInWorkforce | undefined;

  constructor(private readonly options: SageMakerStandInOptions) {}

  registerProfile(profile: LabelingProfile): void {
    this.profiles.unshift(profile);
  }

  /** The region's one private workforce (there is at most one per account and region). */
  setWorkforce(workforce: StandInWorkforce | undefined): void {
    this.workforce = workforce;
  }

  /** Every job's name and status, for the run's summary and for tests. */
  listJobs(): { name: string; status: LabelingJobStatus; counters: LabelCounters }[] {
    return [...this.jobs.values()].map((j) => ({ name: j.name, status: j.status, counters: { ...j.counters } }));
  }

  /** Cancels every simulation still running (shutdown). */
  stop(): void {
    for (const job of this.jobs.values()) for (const timer of job.timers) clearTimeout(timer);
  }

  readonly service: StandInService = {
    targetPrefix: 'SageMaker',
    jsonVersion: '1.1',
    operations: {
      CreateLabelingJob: (input) => this.create(input),
      DescribeLabelingJob: (input) => this.describe(this.job(requireString(input, 'LabelingJobName'))),
      StopLabelingJob: (input) => {
        this.stopJob(this.job(requireString(input, 'LabelingJobName')));
        return {};
      },
      ListLabelingJobs: (input) => this.listLabelingJobs(input),
      ListWorkforces: () => ({ Workforces: this.workforce ? [this.workforceView(this.workforce)] : [] }),
      ListWorkteams: () => ({ Workteams: this.workteams() }),
    },
  };

  private listLabelingJobs(input: JsonObject) {
    const max = typeof input.MaxResults === 'number' ? input.MaxResults : 10;
    return {
      LabelingJobSummaryList: [...this.jobs.values()].slice(0, max).map((job) => ({
        LabelingJobName: job.name,
        LabelingJobArn: job.arn,
        CreationTime: epochSeconds(job.createdAt),
        LastModifiedTime: epochSeconds(job.modifiedAt),
        LabelingJobStatus: job.status,
        LabelCounters: job.counters,
        WorkteamArn: (job.request.HumanTaskConfig as JsonObject | undefined)?.WorkteamArn,
      })),
    };
  }

  private workforceView(w: StandInWorkforce) {
    return {
      WorkforceName: w.name,
      WorkforceArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT_ID}:workforce/${w.name}`,
      LastUpdatedDate: epochSeconds(new Date('2026-11-01T10:00:00Z')),
      SubDomain: `${w.name}.labeling.${REGION}.sagemaker.aws`,
      CognitoConfig: { UserPool: w.userPool, ClientId: w.clientId },
      Status: 'Active',
    };
  }

  private workteams() {
    const w = this.workforce;
    if (w === undefined) return [];
    return w.teams.map((team) => ({
      WorkteamName: team,
      WorkteamArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT_ID}:workteam/private-crowd/${team}`,
      WorkforceArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT_ID}:workforce/${w.name}`,
      MemberDefinitions: [{ CognitoMemberDefinition: { UserPool: w.userPool, UserGroup: team, ClientId: w.clientId } }],
      Description: `local team ${team}`,
    }));
  }

  private job(name: string): Job {
    const job = this.jobs.get(name.toLowerCase());
    if (!job) throw new ServiceError('ResourceNotFound', `Could not find labeling job '${name}'`);
    return job;
  }

  private create(input: JsonObject) {
    const name = requireString(input, 'LabelingJobName');
    if (!JOB_NAME.test(name)) {
      throw new ServiceError('ValidationException', `LabelingJobName '${name}' must match ${JOB_NAME.source}`);
    }
    requireString(input, 'LabelAttributeName');
    requireString(input, 'RoleArn');
    requireString(input, 'LabelCategoryConfigS3Uri');
    const dataSource = requireObject(requireObject(requireObject(input, 'InputConfig'), 'DataSource'), 'S3DataSource');
    requireString(dataSource, 'ManifestS3Uri');
    requireString(requireObject(input, 'OutputConfig'), 'S3OutputPath');
    requireString(requireObject(input, 'HumanTaskConfig'), 'WorkteamArn');
    // Names are unique per account and region, case-insensitively (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html).
    const key = name.toLowerCase();
    const existing = this.jobs.get(key);
    if (existing) {
      throw new ServiceError('ResourceInUse', `Labeling job with name ${name} already exists: ${existing.arn}`);
    }
    const now = new Date();
    const job: Job = {
      name,
      arn: `arn:aws:sagemaker:${REGION}:${ACCOUNT_ID}:labeling-job/${key}`,
      request: input,
      status: 'InProgress',
      counters: zeroCounters(),
      createdAt: now,
      modifiedAt: now,
      timers: [],
    };
    this.jobs.set(key, job);
    // The workforce starts after the API call returned, as in the service.
    job.timers.push(setTimeout(() => void this.work(job), 50));
    return { LabelingJobArn: job.arn };
  }

  private describe(job: Job) {
    const r = job.request;
    return {
      LabelingJobName: job.name,
      LabelingJobArn: job.arn,
      LabelingJobStatus: job.status,
      LabelCounters: job.counters,
      CreationTime: epochSeconds(job.createdAt),
      LastModifiedTime: epochSeconds(job.modifiedAt),
      JobReferenceCode: job.arn.slice(-12),
      LabelAttributeName: r.LabelAttributeName,
      InputConfig: r.InputConfig,
      OutputConfig: r.OutputConfig,
      RoleArn: r.RoleArn,
      LabelCategoryConfigS3Uri: r.LabelCategoryConfigS3Uri,
      HumanTaskConfig: r.HumanTaskConfig,
      ...(r.LabelingJobAlgorithmsConfig ? { LabelingJobAlgorithmsConfig: r.LabelingJobAlgorithmsConfig } : {}),
      ...(r.StoppingConditions ? { StoppingConditions: r.StoppingConditions } : {}),
      Tags: r.Tags ?? [],
      ...(job.failureReason ? { FailureReason: job.failureReason } : {}),
      ...(job.outputUri ? { LabelingJobOutput: { OutputDatasetS3Uri: job.outputUri } } : {}),
    };
  }

  private profileFor(sourceRefs: string[]): LabelingProfile | undefined {
    const first = sourceRefs[0];
    return first === undefined ? undefined : this.profiles.find((p) => first.startsWith(p.sourcePrefix));
  }

  private stopJob(job: Job): void {
    if (job.status !== 'InProgress' && job.status !== 'Initializing') return;
    this.setStatus(job, 'Stopping');
    for (const timer of job.timers) clearTimeout(timer);
    job.timers = [setTimeout(() => void this.finish(job, 'Stopped'), 100)];
  }

  private setStatus(job: Job, status: LabelingJobStatus): void {
    job.status = status;
    job.modifiedAt = new Date();
  }

  private async finish(job: Job, status: 'Completed' | 'Failed' | 'Stopped', failureReason?: string): Promise<void> {
    if (failureReason !== undefined) job.failureReason = failureReason.slice(0, 1024);
    this.setStatus(job, status);
    this.report(job);
    const event = eventEnvelope('aws.sagemaker', 'SageMaker Ground Truth Labeling Job State Change', [job.arn], {
      LabelingJobStatus: status,
    });
    if (job.profile?.loseEvent) return;
    await this.options.deliverEvent(event);
  }

  private report(job: Job): void {
    this.options.onProgress?.({
      jobName: job.name,
      status: job.status,
      labeled: job.counters.TotalLabeled + job.counters.FailedNonRetryableError,
      total: job.counters.TotalLabeled + job.counters.FailedNonRetryableError + job.counters.Unlabeled,
    });
  }

  /** The simulated job: read the inputs, label in steps (progress), write the output, end. */
  private async work(job: Job): Promise<void> {
    let result: { outputLines: string[]; counters: LabelCounters; profile: LabelingProfile | undefined };
    try {
      result = await this.label(job);
    } catch (error) {
      await this.finish(job, 'Failed', (error as Error).message);
      return;
    }
    const { outputLines, counters, profile } = result;
    const total = outputLines.length;
    const stepMs = (this.options.labelingMs ?? 1200) / PROGRESS_STEPS;
    const stopAt =
      profile?.outcome === 'Failed' || profile?.outcome === 'Stopped' ? PROGRESS_STEPS / 2 : PROGRESS_STEPS;
    for (let step = 1; step <= stopAt; step += 1) {
      await sleep(stepMs, job);
      if (job.status !== 'InProgress') return;
      const share = step / PROGRESS_STEPS;
      const labeled = Math.floor(counters.TotalLabeled * share);
      job.counters = {
        ...zeroCounters(),
        TotalLabeled: labeled,
        HumanLabeled: Math.min(labeled, counters.HumanLabeled),
        MachineLabeled: Math.max(0, labeled - counters.HumanLabeled),
        Unlabeled: total - labeled,
      };
      job.modifiedAt = new Date();
      this.report(job);
    }
    if (profile?.outcome === 'Stopped') {
      this.stopJob(job);
      return;
    }
    if (profile?.outcome === 'Failed') {
      await this.finish(job, 'Failed', profile.failureReason ?? 'ClientError: the simulated workforce failed the job');
      return;
    }
    const outputPath = (job.request.OutputConfig as { S3OutputPath: string }).S3OutputPath;
    const outputUri = outputManifestKey(jobOutputPrefix(outputPath, job.name.toLowerCase()));
    try {
      await this.options.store.putText(outputUri, outputLines.map((line) => `${line}\n`).join(''));
    } catch (error) {
      await this.finish(job, 'Failed', `ClientError: could not write the output manifest: ${(error as Error).message}`);
      return;
    }
    job.counters = counters;
    job.outputUri = outputUri;
    await this.finish(job, 'Completed');
  }

  private async label(job: Job) {
    const r = job.request;
    const manifestUri = ((r.InputConfig as JsonObject).DataSource as { S3DataSource: { ManifestS3Uri: string } })
      .S3DataSource.ManifestS3Uri;
    const manifest = await this.options.store.getText(manifestUri);
    if (manifest === undefined) throw new Error(`ClientError: input manifest ${manifestUri} does not exist`);
    const categoriesUri = String(r.LabelCategoryConfigS3Uri);
    const categories = await this.options.store.getText(categoriesUri);
    if (categories === undefined)
      throw new Error(`ClientError: label category configuration ${categoriesUri} does not exist`);
    const sourceRefs = sourceRefsOf(manifest);
    const labels = labelsOf(categories);
    const profile = this.profileFor(sourceRefs);
    job.profile = profile;
    if (profile?.annotationLines) {
      const replayed = replayAnnotations({
        sourceRefs,
        annotationLines: profile.annotationLines,
        labelAttributeName: String(r.LabelAttributeName),
        jobName: job.name,
      });
      return { outputLines: replayed.outputLines, counters: { ...zeroCounters(), ...replayed.counters }, profile };
    }
    const truth = profile?.truth ?? {};
    const prefix = profile?.sourcePrefix ?? '';
    const human = optionalObject(r, 'HumanTaskConfig') ?? {};
    const simulated = simulateLabelingJob({
      sourceRefs,
      truthFor: (sourceRef: string) => truth[sourceRef.slice(prefix.length)],
      labels,
      labelAttributeName: String(r.LabelAttributeName),
      jobName: job.name,
      workersPerObject:
        typeof human.NumberOfHumanWorkersPerDataObject === 'number' ? human.NumberOfHumanWorkersPerDataObject : 1,
      autoLabeling: r.LabelingJobAlgorithmsConfig !== undefined,
      seed: profile?.seed ?? 1,
      ...(profile?.failureRate === undefined ? {} : { failureRate: profile.failureRate }),
    });
    return { outputLines: simulated.outputLines, counters: { ...zeroCounters(), ...simulated.counters }, profile };
  }
}
