import { toS3Uri } from '../../functions/kernel/rules/s3-uri';
import {
  ACCOUNT_ID,
  epochSeconds,
  type JsonObject,
  optionalObject,
  optionalStringList,
  REGION,
  requireObject,
  requireString,
  ServiceError,
  type StandInService,
} from './json-protocol';
import type { ObjectStore } from './object-store';
import { applyEntryLines, type DatasetEntries, MAX_CHANGES_BYTES } from './rekognition-entries';
import { validateRekognitionManifest } from './rekognition-manifest';

type DatasetStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_COMPLETE'
  | 'CREATE_FAILED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_FAILED';

/** Statuses in which a dataset can be updated or trained on. */
const READY: readonly DatasetStatus[] = ['CREATE_COMPLETE', 'UPDATE_COMPLETE'];
type VersionStatus = 'TRAINING_IN_PROGRESS' | 'TRAINING_COMPLETED' | 'TRAINING_FAILED';

interface Dataset {
  arn: string;
  type: 'TRAIN' | 'TEST';
  createdAt: Date;
  updatedAt: Date;
  status: DatasetStatus;
  statusMessage: string;
  statusMessageCode: 'SUCCESS' | 'SERVICE_ERROR' | 'CLIENT_ERROR';
  stats?: { LabeledEntries: number; TotalEntries: number; TotalLabels: number; ErrorEntries: number };
  /** The valid lines, by source-ref: what UpdateDatasetEntries adds to or replaces in. */
  entries: DatasetEntries;
}

interface Version {
  arn: string;
  name: string;
  createdAt: Date;
  status: VersionStatus;
  statusMessage: string;
  outputConfig: { S3Bucket?: string; S3KeyPrefix?: string };
  f1Score?: number;
  summaryKey?: string;
}

interface Project {
  name: string;
  arn: string;
  createdAt: Date;
  datasets: Dataset[];
  versions: Version[];
}

export interface RekognitionStandInOptions {
  store: ObjectStore;
  /** How long a dataset import takes (default 400 ms), so the pipeline's poll loop runs. */
  datasetMs?: number;
  /** How long simulated training takes (default 800 ms). */
  trainingMs?: number;
}

/** More than 20 % invalid lines, cumulatively, fails the import (https://docs.aws.amazon.com/rekognition/latest/customlabels-dg/tm-debugging-json-line-errors.html). */
const MAX_INVALID_SHARE = 0.2;
const PROJECT_NAME = /^[a-zA-Z0-9_.-]{1,255}$/;

/**
 * Rekognition Custom Labels stand-in (awsJson1_1, target prefix `RekognitionService`). Dataset
 * creation reads the Ground Truth manifest from the local bucket and applies Rekognition's
 * manifest rules (`validateRekognitionManifest`): more than 20 % invalid lines, or nothing
 * labeled, ends in CREATE_FAILED with the service's error code; otherwise CREATE_COMPLETE with
 * `DatasetStats`. Training is simulated: TRAINING_COMPLETED with an F1 score that grows with the
 * number of labeled images (no model is trained).
 */
export class RekognitionStandIn {
  private readonly projects = new Map<string, Project>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: RekognitionStandInOptions) {}

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  readonly service: StandInService = {
    targetPrefix: 'RekognitionService',
    jsonVersion: '1.1',
    operations: {
      CreateProject: (input) => this.createProject(input),
      DescribeProjects: (input) => this.describeProjects(input),
      CreateDataset: (input) => this.createDataset(input),
      DescribeDataset: (input) => ({
        DatasetDescription: describeDataset(this.datasetByArn(requireString(input, 'DatasetArn'))),
      }),
      UpdateDatasetEntries: (input) => this.updateEntries(input),
      CreateProjectVersion: (input) => this.createVersion(input),
      DescribeProjectVersions: (input) => {
        const project = this.projectByArn(requireString(input, 'ProjectArn'));
        const names = optionalStringList(input, 'VersionNames');
        const versions = project.versions.filter((v) => names === undefined || names.includes(v.name));
        return { ProjectVersionDescriptions: versions.map(describeVersion) };
      },
    },
  };

  private later(ms: number, action: () => void | Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void action();
    }, ms);
    this.timers.add(timer);
  }

  private datasetByArn(arn: string): Dataset {
    const dataset = [...this.projects.values()].flatMap((p) => p.datasets).find((d) => d.arn === arn);
    if (!dataset) throw new ServiceError('ResourceNotFoundException', `The dataset ${arn} does not exist`);
    return dataset;
  }

  /**
   * UpdateDatasetEntries: returns at once and applies the lines later (UPDATE_IN_PROGRESS, then
   * UPDATE_COMPLETE or UPDATE_FAILED). A line whose source-ref the dataset has replaces that
   * entry; others are added; nothing is deleted. `Changes.GroundTruth` (base64 in the JSON
   * protocol) must be 1 byte to less than 5 MB; a dataset being created or updated is in use.
   */
  private updateEntries(input: JsonObject) {
    const dataset = this.datasetByArn(requireString(input, 'DatasetArn'));
    const bytes = Buffer.from(requireString(requireObject(input, 'Changes'), 'GroundTruth'), 'base64');
    if (bytes.length >= MAX_CHANGES_BYTES) {
      throw new ServiceError(
        'InvalidParameterException',
        `Changes.GroundTruth is ${bytes.length} bytes; it must be less than ${MAX_CHANGES_BYTES}`,
      );
    }
    if (!READY.includes(dataset.status)) {
      throw new ServiceError('ResourceInUseException', `The dataset ${dataset.arn} is ${dataset.status}`);
    }
    Object.assign(dataset, { status: 'UPDATE_IN_PROGRESS', statusMessage: 'The dataset is being updated.' });
    const lines = bytes.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    this.later(this.options.datasetMs ?? 400, () => {
      const change = applyEntryLines(dataset.entries, lines);
      dataset.updatedAt = new Date();
      if (!change.ok) {
        Object.assign(dataset, {
          status: 'UPDATE_FAILED',
          statusMessage: change.message,
          statusMessageCode: 'CLIENT_ERROR',
        });
        return;
      }
      Object.assign(dataset, {
        status: 'UPDATE_COMPLETE',
        statusMessage: 'The dataset was updated successfully.',
        statusMessageCode: 'SUCCESS',
        entries: change.entries,
        stats: change.stats,
      });
    });
    return {};
  }

  private projectByArn(arn: string): Project {
    const project = [...this.projects.values()].find((p) => p.arn === arn);
    if (!project) throw new ServiceError('ResourceNotFoundException', `The project ${arn} does not exist`);
    return project;
  }

  private createProject(input: JsonObject) {
    const name = requireString(input, 'ProjectName');
    if (!PROJECT_NAME.test(name)) throw new ServiceError('InvalidParameterException', `invalid ProjectName ${name}`);
    if (this.projects.has(name)) throw new ServiceError('ResourceInUseException', `The project ${name} already exists`);
    const createdAt = new Date();
    const arn = `arn:aws:rekognition:${REGION}:${ACCOUNT_ID}:project/${name}/${createdAt.getTime()}`;
    this.projects.set(name, { name, arn, createdAt, datasets: [], versions: [] });
    return { ProjectArn: arn };
  }

  private describeProjects(input: JsonObject) {
    const names = optionalStringList(input, 'ProjectNames');
    const projects = [...this.projects.values()].filter((p) => names === undefined || names.includes(p.name));
    return {
      ProjectDescriptions: projects.map((p) => ({
        ProjectArn: p.arn,
        CreationTimestamp: epochSeconds(p.createdAt),
        Status: 'CREATED',
        Feature: 'CUSTOM_LABELS',
        Datasets: p.datasets.map((d) => ({
          CreationTimestamp: epochSeconds(d.createdAt),
          DatasetType: d.type,
          DatasetArn: d.arn,
          Status: d.status,
          StatusMessage: d.statusMessage,
          StatusMessageCode: d.statusMessageCode,
        })),
      })),
    };
  }

  private createDataset(input: JsonObject) {
    const project = this.projectByArn(requireString(input, 'ProjectArn'));
    const type = requireString(input, 'DatasetType');
    if (type !== 'TRAIN' && type !== 'TEST') {
      throw new ServiceError('InvalidParameterException', `DatasetType must be TRAIN or TEST, got ${type}`);
    }
    if (project.datasets.some((d) => d.type === type)) {
      throw new ServiceError('ResourceAlreadyExistsException', `The project already has a ${type} dataset`);
    }
    const source = optionalObject(input, 'DatasetSource');
    const s3Object = source ? requireObject(requireObject(source, 'GroundTruthManifest'), 'S3Object') : undefined;
    const manifestUri = s3Object
      ? toS3Uri({ bucket: requireString(s3Object, 'Bucket'), key: requireString(s3Object, 'Name') })
      : undefined;
    const createdAt = new Date();
    const dataset: Dataset = {
      arn: `${project.arn.replace(/\/\d+$/, '')}/dataset/${type.toLowerCase()}/${createdAt.getTime()}`,
      type,
      createdAt,
      updatedAt: createdAt,
      status: 'CREATE_IN_PROGRESS',
      statusMessage: 'The dataset is being created.',
      statusMessageCode: 'SUCCESS',
      entries: new Map(),
    };
    project.datasets.push(dataset);
    this.later(this.options.datasetMs ?? 400, () => this.importManifest(dataset, manifestUri));
    return { DatasetArn: dataset.arn };
  }

  private async importManifest(dataset: Dataset, manifestUri: string | undefined): Promise<void> {
    const fail = (message: string) => {
      Object.assign(dataset, { status: 'CREATE_FAILED', statusMessage: message, statusMessageCode: 'CLIENT_ERROR' });
    };
    dataset.updatedAt = new Date();
    if (manifestUri === undefined) {
      Object.assign(dataset, {
        status: 'CREATE_COMPLETE',
        statusMessage: 'The dataset was created successfully.',
        stats: { LabeledEntries: 0, TotalEntries: 0, TotalLabels: 0, ErrorEntries: 0 },
      });
      return;
    }
    let text: string | undefined;
    try {
      text = await this.options.store.getText(manifestUri);
    } catch (error) {
      text = undefined;
      process.stderr.write(`local Rekognition could not read ${manifestUri}: ${(error as Error).message}\n`);
    }
    if (text === undefined) {
      fail(`ERROR_MANIFEST_INACCESSIBLE_OR_UNSUPPORTED_FORMAT: the manifest ${manifestUri} cannot be read.`);
      return;
    }
    // Blank lines count as invalid rows (except at the very end), so the raw lines go in.
    const result = validateRekognitionManifest(text.split('\n'));
    const terminal = result.invalid.find((e) => e.line === 0);
    const invalidLines = new Set(result.invalid.filter((e) => e.line > 0).map((e) => e.line));
    dataset.stats = {
      LabeledEntries: result.labeled,
      TotalEntries: result.entries,
      TotalLabels: result.labels.length,
      ErrorEntries: invalidLines.size,
    };
    if (terminal) {
      fail(`${terminal.code}: ${terminal.message}.`);
      return;
    }
    const firstError = result.invalid.find((e) => e.line > 0);
    if (result.entries > 0 && invalidLines.size / result.entries > MAX_INVALID_SHARE) {
      const example = firstError
        ? ` First error, line ${firstError.line}: ${firstError.code} ${firstError.message}.`
        : '';
      fail(
        `ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST: ${invalidLines.size} of ${result.entries} lines are invalid (more than 20%).${example}`,
      );
      return;
    }
    if (result.labeled === 0) {
      fail(`ERROR_NO_VALID_ANNOTATIONS: the manifest ${manifestUri} has no labeled images.`);
      return;
    }
    const imported = applyEntryLines(new Map(), text.split('\n'));
    if (imported.ok) dataset.entries = imported.entries;
    Object.assign(dataset, { status: 'CREATE_COMPLETE', statusMessage: 'The dataset was created successfully.' });
  }

  private createVersion(input: JsonObject) {
    const project = this.projectByArn(requireString(input, 'ProjectArn'));
    const name = requireString(input, 'VersionName');
    const outputConfig = requireObject(input, 'OutputConfig') as Version['outputConfig'];
    if (project.versions.some((v) => v.name === name)) {
      throw new ServiceError('ResourceInUseException', `The version ${name} already exists`);
    }
    const train = project.datasets.find((d) => d.type === 'TRAIN');
    const test = project.datasets.find((d) => d.type === 'TEST');
    if (!train || !test || !READY.includes(train.status) || !READY.includes(test.status)) {
      throw new ServiceError(
        'InvalidParameterException',
        'The project needs a created TRAIN and TEST dataset to train',
      );
    }
    const createdAt = new Date();
    const version: Version = {
      arn: `${project.arn.replace(/\/\d+$/, '')}/version/${name}/${createdAt.getTime()}`,
      name,
      createdAt,
      status: 'TRAINING_IN_PROGRESS',
      statusMessage: 'The model is being trained.',
      outputConfig,
    };
    project.versions.push(version);
    this.later(this.options.trainingMs ?? 800, () => this.finishTraining(version, train, test));
    return { ProjectVersionArn: version.arn };
  }

  private async finishTraining(version: Version, train: Dataset, test: Dataset): Promise<void> {
    const labeled = (train.stats?.LabeledEntries ?? 0) + (test.stats?.LabeledEntries ?? 0);
    // Not a model: a plausible score that grows with the data, so the report has a number to show.
    const f1Score = Math.round((0.55 + 0.4 * (1 - Math.exp(-labeled / 60))) * 1000) / 1000;
    const bucket = version.outputConfig.S3Bucket;
    const prefix = version.outputConfig.S3KeyPrefix ?? '';
    if (bucket) {
      const key = `${prefix.replace(/\/?$/, '/')}EvaluationResultSummary-${version.name}.json`;
      const summary = {
        Version: 1,
        EvaluationDetails: {
          F1Score: f1Score,
          NumberOfTrainingImages: train.stats?.LabeledEntries,
          NumberOfTestingImages: test.stats?.LabeledEntries,
          Simulated: true,
        },
      };
      try {
        await this.options.store.putText(
          toS3Uri({ bucket, key }),
          JSON.stringify(summary, null, 2),
          'application/json',
        );
        version.summaryKey = key;
      } catch (error) {
        Object.assign(version, {
          status: 'TRAINING_FAILED',
          statusMessage: `cannot write to ${bucket}: ${(error as Error).message}`,
        });
        return;
      }
    }
    Object.assign(version, { status: 'TRAINING_COMPLETED', statusMessage: 'The model is ready to run.', f1Score });
  }
}

const describeDataset = (d: Dataset) => ({
  CreationTimestamp: epochSeconds(d.createdAt),
  LastUpdatedTimestamp: epochSeconds(d.updatedAt),
  Status: d.status,
  StatusMessage: d.statusMessage,
  StatusMessageCode: d.statusMessageCode,
  ...(d.stats ? { DatasetStats: d.stats } : {}),
});

const describeVersion = (v: Version) => ({
  ProjectVersionArn: v.arn,
  CreationTimestamp: epochSeconds(v.createdAt),
  Status: v.status,
  StatusMessage: v.statusMessage,
  OutputConfig: v.outputConfig,
  ...(v.f1Score === undefined
    ? {}
    : {
        EvaluationResult: {
          F1Score: v.f1Score,
          ...(v.summaryKey && v.outputConfig.S3Bucket
            ? { Summary: { S3Object: { Bucket: v.outputConfig.S3Bucket, Name: v.summaryKey } } }
            : {}),
        },
      }),
});
