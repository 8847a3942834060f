import type { SettingName } from '../../kernel/config';
import type { RekognitionDatasets } from '../../kernel/contracts/step-io';
import { logger, pipelineStep } from '../../kernel/observability';
import { createDatasetFromManifest, findOrCreateProject } from '../aws/datasets';
import { CreateDatasetInput } from '../contracts/rekognition-steps';
import { type DatasetType, existingDatasetArns, manifestObject, requireBothSplits } from '../rules/dataset-plan';
import { projectNameForRun, runTags } from '../rules/rekognition-names';

/** The environment variables this function reads (none: it works from its input alone). */
export const SETTINGS: readonly SettingName[] = [];

/**
 * 0. Refuse an empty train or test split before touching Rekognition.
 * 1. Find or create the run's own project (`<projectName>-<runId>`, see docs/datasets.md).
 * 2. Reuse the TRAIN and TEST datasets an earlier attempt of this run created.
 * 3. Create the missing ones from the manifests PostProcess wrote; CheckDatasets waits for them.
 */
export const createDataset = async ({ run, dataset }: CreateDatasetInput): Promise<RekognitionDatasets> => {
  requireBothSplits(dataset);
  const projectName = projectNameForRun(run.projectName, run.runId);
  const tags = runTags(run.runId);
  const project = await findOrCreateProject(projectName, tags);
  const existing = existingDatasetArns(project.datasets);
  const manifests: Record<DatasetType, string> = { TRAIN: dataset.trainManifestUri, TEST: dataset.testManifestUri };

  const ensure = async (type: DatasetType): Promise<string> =>
    existing[type] ??
    createDatasetFromManifest({
      projectName,
      projectArn: project.projectArn,
      type,
      manifest: manifestObject(manifests[type]),
      tags,
    });
  const trainDatasetArn = await ensure('TRAIN');
  const testDatasetArn = await ensure('TEST');

  const reused = Object.keys(existing);
  logger.info('datasets requested', { projectName, projectArn: project.projectArn, reused });
  return {
    projectArn: project.projectArn,
    projectName,
    trainDatasetArn,
    testDatasetArn,
    status: 'CREATE_IN_PROGRESS',
    attempts: 0,
  };
};

export const handler = pipelineStep(CreateDatasetInput, createDataset);
