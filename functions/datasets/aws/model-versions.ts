import { CreateProjectVersionCommand, DescribeProjectVersionsCommand } from '@aws-sdk/client-rekognition';
import { toS3Uri } from '../../kernel/rules/s3-uri';
import { rekognition } from './rekognition-client';
import { alreadyExists } from './rekognition-errors';

/** A model version, flattened to what the pipeline reports. */
export interface VersionView {
  projectVersionArn: string;
  status?: string;
  statusMessage?: string;
  f1Score?: number;
  evaluationResultUri?: string;
}

/** The version with this name in the project, if any. */
export const findVersion = async (projectArn: string, versionName: string): Promise<VersionView | undefined> => {
  const out = await rekognition.send(
    new DescribeProjectVersionsCommand({ ProjectArn: projectArn, VersionNames: [versionName] }),
  );
  const v = out.ProjectVersionDescriptions?.find((d) => d.ProjectVersionArn);
  if (!v?.ProjectVersionArn) return undefined;
  const summary = v.EvaluationResult?.Summary?.S3Object;
  return {
    projectVersionArn: v.ProjectVersionArn,
    status: v.Status,
    statusMessage: v.StatusMessage,
    f1Score: v.EvaluationResult?.F1Score,
    evaluationResultUri:
      summary?.Bucket && summary.Name ? toS3Uri({ bucket: summary.Bucket, key: summary.Name }) : undefined,
  };
};

export interface StartTrainingRequest {
  projectArn: string;
  versionName: string;
  outputBucket: string;
  outputPrefix: string;
  tags: Record<string, string>;
}

/**
 * Starts training on the project's TRAIN and TEST datasets, once per version name: an existing
 * version (a retried step) is returned as it is, and a create that lost a race is looked up again.
 */
export const startTraining = async (request: StartTrainingRequest): Promise<VersionView> => {
  const { projectArn, versionName, outputBucket, outputPrefix, tags } = request;
  const existing = await findVersion(projectArn, versionName);
  if (existing) return existing;
  try {
    const out = await rekognition.send(
      new CreateProjectVersionCommand({
        ProjectArn: projectArn,
        VersionName: versionName,
        OutputConfig: { S3Bucket: outputBucket, S3KeyPrefix: outputPrefix },
        Tags: tags,
      }),
    );
    if (!out.ProjectVersionArn)
      throw new Error(`CreateProjectVersion returned no ProjectVersionArn for ${versionName}`);
    return { projectVersionArn: out.ProjectVersionArn, status: 'TRAINING_IN_PROGRESS' };
  } catch (error) {
    const raced = alreadyExists(error) ? await findVersion(projectArn, versionName) : undefined;
    if (raced) return raced;
    throw error;
  }
};
