import {
  CreateDatasetCommand,
  CreateProjectCommand,
  DescribeDatasetCommand,
  DescribeProjectsCommand,
} from '@aws-sdk/client-rekognition';
import type { DatasetState } from '../../kernel/contracts/step-io';
import type { DatasetType, ExistingDataset } from '../rules/dataset-plan';
import { rekognition } from './rekognition-client';
import { alreadyExists } from './rekognition-errors';

/** A Rekognition Custom Labels project and the datasets it already holds. */
export interface ProjectView {
  projectArn: string;
  datasets: ExistingDataset[];
}

/** A dataset's description, flattened; `status` is `unknown` when Rekognition leaves it out. */
export interface DatasetDescriptionView extends DatasetState {
  statusMessage?: string;
  statusMessageCode?: string;
}

/** `arn:aws:rekognition:<region>:<account>:project/<name>/<timestamp>` → `<name>`. */
const projectNameOf = (arn: string): string | undefined => /:project\/([^/]+)\//.exec(arn)?.[1];

/**
 * The project with exactly this name, with its datasets. The ARN is checked as well as the
 * `ProjectNames` filter, so a look-alike project is never taken for ours.
 */
const findProject = async (name: string): Promise<ProjectView | undefined> => {
  const out = await rekognition.send(new DescribeProjectsCommand({ ProjectNames: [name] }));
  const project = out.ProjectDescriptions?.find((p) => p.ProjectArn && projectNameOf(p.ProjectArn) === name);
  if (!project?.ProjectArn) return undefined;
  const datasets = (project.Datasets ?? []).map((d) => ({ type: d.DatasetType, arn: d.DatasetArn }));
  return { projectArn: project.ProjectArn, datasets };
};

/** Finds the project by name or creates it; a concurrent create of the same name is looked up again. */
export const findOrCreateProject = async (name: string, tags: Record<string, string>): Promise<ProjectView> => {
  const found = await findProject(name);
  if (found) return found;
  try {
    const out = await rekognition.send(new CreateProjectCommand({ ProjectName: name, Tags: tags }));
    if (!out.ProjectArn) throw new Error(`CreateProject returned no ProjectArn for ${name}`);
    return { projectArn: out.ProjectArn, datasets: [] };
  } catch (error) {
    const raced = alreadyExists(error) ? await findProject(name) : undefined;
    if (raced) return raced;
    throw error;
  }
};

export interface CreateDatasetRequest {
  projectName: string;
  projectArn: string;
  type: DatasetType;
  manifest: { Bucket: string; Name: string };
  tags: Record<string, string>;
}

/**
 * Creates one dataset from a Ground Truth manifest, with the caller's S3 permissions
 * (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_CreateDataset.html). If another attempt created it first, returns that dataset's ARN.
 */
export const createDatasetFromManifest = async (request: CreateDatasetRequest): Promise<string> => {
  const { projectName, projectArn, type, manifest, tags } = request;
  try {
    const out = await rekognition.send(
      new CreateDatasetCommand({
        ProjectArn: projectArn,
        DatasetType: type,
        DatasetSource: { GroundTruthManifest: { S3Object: manifest } },
        Tags: tags,
      }),
    );
    if (!out.DatasetArn) throw new Error(`CreateDataset returned no DatasetArn for ${type}`);
    return out.DatasetArn;
  } catch (error) {
    const raced = alreadyExists(error) ? await findProject(projectName) : undefined;
    const arn = raced?.datasets.find((d) => d.type === type)?.arn;
    if (arn) return arn;
    throw error;
  }
};

/** DescribeDataset, flattened to the status and the entry counts. */
export const describeDataset = async (datasetArn: string): Promise<DatasetDescriptionView> => {
  const out = await rekognition.send(new DescribeDatasetCommand({ DatasetArn: datasetArn }));
  const d = out.DatasetDescription;
  const stats = d?.DatasetStats;
  return {
    status: d?.Status ?? 'unknown',
    statusMessage: d?.StatusMessage,
    statusMessageCode: d?.StatusMessageCode,
    labeledEntries: stats?.LabeledEntries,
    totalEntries: stats?.TotalEntries,
    errorEntries: stats?.ErrorEntries,
    totalLabels: stats?.TotalLabels,
  };
};
