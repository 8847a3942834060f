import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInput } from '../../../../functions/kernel/errors';
import { RUN_ID_TAG } from '../../../../functions/kernel/rules/run-id';
import { StartLabelingJobInput } from '../../../../functions/labeling/contracts/labeling-steps';
import { GROUND_TRUTH_REGIONS } from '../../../../functions/labeling/ground-truth/contracts/ground-truth-regions';
import { decideAutoLabeling } from '../../../../functions/labeling/ground-truth/rules/auto-labeling';
import {
  isTaggedWithRun,
  type LabelingJobPlanInput,
  planLabelingJob,
} from '../../../../functions/labeling/ground-truth/rules/labeling-job-request';

const payload = StartLabelingJobInput.parse(
  JSON.parse(readFileSync(join(__dirname, '../../../../events/start-labeling-job-input.json'), 'utf8')),
);
const WORKTEAM = 'arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/labeling-pipeline-local';
const ROLE = 'arn:aws:iam::123456789012:role/labeling-pipeline-local-labeling';

const planInput = (overrides: Partial<LabelingJobPlanInput> = {}): LabelingJobPlanInput => ({
  run: payload.run,
  manifest: payload.manifest,
  region: 'us-east-1',
  workteamArn: WORKTEAM,
  roleArn: ROLE,
  autoLabeling: decideAutoLabeling({ requested: false, objects: 10, oversizeImages: 0 }),
  ...overrides,
});

describe('labeling-job-request', () => {
  it('builds the full CreateLabelingJob request for the run', () => {
    const { request, templateKey, recordKey } = planLabelingJob(planInput());

    expect(request).toEqual({
      LabelingJobName: 'logos-2026-11-0123456789abcdef',
      LabelAttributeName: 'bounding-box',
      InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: payload.manifest.manifestUri } } },
      OutputConfig: {
        S3OutputPath: 's3://labeling-pipeline-local-data/runs/logos-2026-11-0123456789abcdef/labeling/output/',
      },
      RoleArn: ROLE,
      LabelCategoryConfigS3Uri: payload.manifest.labelCategoryConfigUri,
      HumanTaskConfig: {
        WorkteamArn: WORKTEAM,
        UiConfig: {
          UiTemplateS3Uri:
            's3://labeling-pipeline-local-data/runs/logos-2026-11-0123456789abcdef/labeling/template.liquid',
        },
        PreHumanTaskLambdaArn: 'arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox',
        TaskTitle: 'Draw a box around every logo',
        TaskDescription: payload.run.taskDescription,
        NumberOfHumanWorkersPerDataObject: 3,
        TaskTimeLimitInSeconds: 600,
        TaskAvailabilityLifetimeInSeconds: 2_592_000,
        MaxConcurrentTaskCount: 1000,
        AnnotationConsolidationConfig: {
          AnnotationConsolidationLambdaArn: 'arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox',
        },
      },
      Tags: [{ Key: RUN_ID_TAG, Value: 'logos-2026-11-0123456789abcdef' }],
    });
    expect(templateKey).toBe('runs/logos-2026-11-0123456789abcdef/labeling/template.liquid');
    expect(recordKey).toBe('runs/logos-2026-11-0123456789abcdef/labeling/job.json');
  });

  it.each(Object.entries(GROUND_TRUTH_REGIONS))('uses the built-in functions of %s', (region, account) => {
    const { request, record } = planLabelingJob(planInput({ region }));

    expect(request.HumanTaskConfig.PreHumanTaskLambdaArn).toBe(
      `arn:aws:lambda:${region}:${account}:function:PRE-BoundingBox`,
    );
    expect(request.HumanTaskConfig.AnnotationConsolidationConfig.AnnotationConsolidationLambdaArn).toBe(
      `arn:aws:lambda:${region}:${account}:function:ACS-BoundingBox`,
    );
    expect(record.region).toBe(region);
  });

  it('refuses a region without Ground Truth, naming the supported ones', () => {
    expect(() => planLabelingJob(planInput({ region: 'sa-east-1' }))).toThrow(/sa-east-1.*deploy to one of: us-east-1/);
  });

  it('adds the object-detection algorithm only when auto-labeling is on', () => {
    const autoLabeling = decideAutoLabeling({ requested: true, objects: 2_000, oversizeImages: 0 });

    const { request, record } = planLabelingJob(planInput({ region: 'eu-west-1', autoLabeling }));

    const arn = 'arn:aws:sagemaker:eu-west-1:027400017018:labeling-job-algorithm-specification/object-detection';
    expect(request.LabelingJobAlgorithmsConfig).toEqual({ LabelingJobAlgorithmSpecificationArn: arn });
    expect(record.autoLabeling).toMatchObject({ enabled: true, code: 'ENABLED', algorithmArn: arn });
  });

  it('leaves the algorithm out and records why when auto-labeling is off', () => {
    const autoLabeling = decideAutoLabeling({ requested: true, objects: 10, oversizeImages: 0 });

    const { request, record } = planLabelingJob(planInput({ autoLabeling }));

    expect(request).not.toHaveProperty('LabelingJobAlgorithmsConfig');
    expect(record.autoLabeling).toMatchObject({ requested: true, enabled: false, code: 'BATCH_TOO_SMALL' });
    expect(record.autoLabeling.algorithmArn).toBeUndefined();
  });

  it('takes a task availability lifetime from the run when one is set', () => {
    const run = { ...payload.run, taskAvailabilityLifetimeSeconds: 86_400 };

    expect(planLabelingJob(planInput({ run })).request.HumanTaskConfig.TaskAvailabilityLifetimeInSeconds).toBe(86_400);
  });

  it.each([
    [{ labelAttributeName: 'boxes-ref' }, /must not end with "-ref"/],
    [{ labelAttributeName: 'boxes-metadata' }, /must not end with "-metadata"/],
    [{ jobName: 'Logos-Job' }, /must be lower case/],
    [{ jobName: 'x'.repeat(64) }, /1-63 characters/],
    [{ workersPerObject: 10 }, /workersPerObject must be a whole number from 1 to 9/],
    [{ taskTimeLimitSeconds: 28_801 }, /taskTimeLimitSeconds must be a whole number from 30 to 28800/],
    [{ maxConcurrentTaskCount: 5_001 }, /maxConcurrentTaskCount/],
    [{ taskAvailabilityLifetimeSeconds: 59 }, /taskAvailabilityLifetimeSeconds/],
    [{ taskTitle: 't'.repeat(129) }, /taskTitle must be 1-128 characters/],
    [{ taskDescription: '' }, /taskDescription must be 1-255 characters/],
    [{ runId: 'run#1' }, /cannot be a tag value/],
  ])('rejects a run with %j as InvalidInput', (change, message) => {
    const run = { ...payload.run, ...change };

    expect(() => planLabelingJob(planInput({ run }))).toThrow(InvalidInput);
    expect(() => planLabelingJob(planInput({ run }))).toThrow(message);
  });

  it('recognises its own run tag and no other', () => {
    const tags = [
      { Key: 'team', Value: 'brand' },
      { Key: RUN_ID_TAG, Value: 'run-a' },
    ];

    expect(isTaggedWithRun(tags, 'run-a')).toBe(true);
    expect(isTaggedWithRun(tags, 'run-b')).toBe(false);
    expect(isTaggedWithRun(undefined, 'run-a')).toBe(false);
  });
});
