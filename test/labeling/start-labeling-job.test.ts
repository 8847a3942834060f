import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateLabelingJobCommand,
  DescribeLabelingJobCommand,
  type DescribeLabelingJobCommandOutput,
  ResourceInUse,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { handler, startLabelingJob } from '../../functions/labeling/start-labeling-job/handler';
import { fakeContext } from '../fake-context';

const s3 = mockClient(S3Client);
const sageMaker = mockClient(SageMakerClient);
const sfn = mockClient(SFNClient);

const sample = JSON.parse(readFileSync(join(__dirname, '../../events/start-labeling-job-input.json'), 'utf8'));
const JOB = 'logos-2026-11-0123456789abcdef';
const BUCKET = 'labeling-pipeline-local-data';
const TOKEN_KEY = `task-tokens/${JOB}.json`;
const TEMPLATE_KEY = `runs/${JOB}/labeling/template.liquid`;
const RECORD_KEY = `runs/${JOB}/labeling/job.json`;
const REPORT_KEY = `runs/${JOB}/validation.json`;
const JOB_ARN = `arn:aws:sagemaker:us-east-1:123456789012:labeling-job/${JOB}`;

const body = (text: string) => ({ transformToString: async () => text }) as unknown as GetObjectCommandOutput['Body'];
const putBody = (key: string): string => {
  const call = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === key);
  return String((call?.args[0].input as PutObjectCommandInput | undefined)?.Body);
};
const report = (images: { verdict: 'accepted' | 'rejected'; width: number | null; height: number | null }[]) =>
  JSON.stringify({ version: 1, runId: JOB, images: images.map((i, n) => ({ key: `img-${n}.jpg`, ...i })) });
const largeBatch = (autoLabeling: boolean) => ({
  ...sample,
  run: { ...sample.run, autoLabeling },
  manifest: { ...sample.manifest, objects: 2_000 },
});
const existingJob = (tagValue: string, status: DescribeLabelingJobCommandOutput['LabelingJobStatus']) =>
  sageMaker.on(DescribeLabelingJobCommand).resolves({
    LabelingJobName: JOB,
    LabelingJobStatus: status,
    LabelCounters: { TotalLabeled: 10 },
    LabelingJobOutput: { OutputDatasetS3Uri: `s3://${BUCKET}/out/output.manifest` },
    Tags: [{ Key: 'labeling-pipeline:run-id', Value: tagValue }],
  });

describe('start-labeling-job', () => {
  let calls: string[];

  beforeEach(() => {
    s3.reset();
    sageMaker.reset();
    sfn.reset();
    calls = [];
    s3.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
      calls.push(`put ${input.Key}`);
      return {};
    });
    sageMaker.on(CreateLabelingJobCommand).callsFake(() => {
      calls.push('create job');
      return { LabelingJobArn: JOB_ARN };
    });
  });

  it('stores the task token before it creates the labeling job', async () => {
    await startLabelingJob(sample);

    expect(calls).toEqual([`put ${TOKEN_KEY}`, `put ${TEMPLATE_KEY}`, 'create job', `put ${RECORD_KEY}`]);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: TOKEN_KEY });
    expect(JSON.parse(putBody(TOKEN_KEY))).toEqual({
      taskToken: sample.taskToken,
      runId: JOB,
      executionName: JOB,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('creates a private bounding-box job from the run, the manifest and the stored template', async () => {
    const result = await startLabelingJob(sample);

    expect(result).toEqual({ jobName: JOB, autoLabeling: false, reusedExistingJob: false });
    expect(sageMaker).toHaveReceivedCommandWith(CreateLabelingJobCommand, {
      LabelingJobName: JOB,
      LabelAttributeName: 'bounding-box',
      RoleArn: 'arn:aws:iam::123456789012:role/labeling-pipeline-local-labeling',
      LabelCategoryConfigS3Uri: sample.manifest.labelCategoryConfigUri,
      InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: sample.manifest.manifestUri } } },
      OutputConfig: { S3OutputPath: `s3://${BUCKET}/runs/${JOB}/labeling/output/` },
      HumanTaskConfig: expect.objectContaining({
        WorkteamArn: 'arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/labeling-pipeline-local',
        UiConfig: { UiTemplateS3Uri: `s3://${BUCKET}/${TEMPLATE_KEY}` },
        PreHumanTaskLambdaArn: 'arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox',
      }),
      Tags: [{ Key: 'labeling-pipeline:run-id', Value: JOB }],
    });
    expect(putBody(TEMPLATE_KEY)).toContain('<crowd-bounding-box');
  });

  it('records in job.json that auto-labeling was not requested', async () => {
    await startLabelingJob(sample);

    const record = JSON.parse(putBody(RECORD_KEY));
    expect(record).toMatchObject({ jobName: JOB, runId: JOB, reusedExistingJob: false, region: 'us-east-1' });
    expect(record.autoLabeling).toMatchObject({ requested: false, enabled: false, code: 'NOT_REQUESTED' });
    expect(sageMaker).not.toHaveReceivedCommandWith(CreateLabelingJobCommand, {
      LabelingJobAlgorithmsConfig: expect.anything(),
    });
  });

  it('switches auto-labeling on for a large batch of images within 3840x2160', async () => {
    s3.on(GetObjectCommand, { Key: REPORT_KEY }).resolves({
      Body: body(
        report([
          { verdict: 'accepted', width: 3840, height: 2160 },
          { verdict: 'rejected', width: 9000, height: 9000 },
        ]),
      ),
    });

    const result = await startLabelingJob(largeBatch(true));

    expect(result.autoLabeling).toBe(true);
    expect(sageMaker).toHaveReceivedCommandWith(CreateLabelingJobCommand, {
      LabelingJobAlgorithmsConfig: {
        LabelingJobAlgorithmSpecificationArn:
          'arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/object-detection',
      },
    });
    expect(JSON.parse(putBody(RECORD_KEY)).autoLabeling).toMatchObject({
      enabled: true,
      code: 'ENABLED',
      oversizeImages: 0,
    });
  });

  it('keeps auto-labeling off and says why when accepted images exceed 3840x2160', async () => {
    s3.on(GetObjectCommand, { Key: REPORT_KEY }).resolves({
      Body: body(
        report([
          { verdict: 'accepted', width: 6000, height: 4000 },
          { verdict: 'accepted', width: 800, height: 600 },
        ]),
      ),
    });

    const result = await startLabelingJob(largeBatch(true));

    expect(result.autoLabeling).toBe(false);
    expect(JSON.parse(putBody(RECORD_KEY)).autoLabeling).toMatchObject({
      requested: true,
      enabled: false,
      code: 'IMAGES_TOO_LARGE',
      oversizeImages: 1,
    });
  });

  it('keeps auto-labeling off when the validation report is missing', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'missing', $metadata: {} }));

    await startLabelingJob(largeBatch(true));

    expect(JSON.parse(putBody(RECORD_KEY)).autoLabeling).toMatchObject({ enabled: false, code: 'DIMENSIONS_UNKNOWN' });
  });

  it.each([
    ['is not JSON', 'not json'],
    ['has no image list', JSON.stringify({ version: 1, totals: {} })],
    ['lacks the dimensions of an accepted image', report([{ verdict: 'accepted', width: null, height: null }])],
  ])('keeps auto-labeling off when the validation report %s', async (_what, text) => {
    s3.on(GetObjectCommand, { Key: REPORT_KEY }).resolves({ Body: body(text) });

    await startLabelingJob(largeBatch(true));

    expect(JSON.parse(putBody(RECORD_KEY)).autoLabeling).toMatchObject({ enabled: false, code: 'DIMENSIONS_UNKNOWN' });
  });

  it('lets any other CreateLabelingJob error fail the step', async () => {
    sageMaker
      .on(CreateLabelingJobCommand)
      .rejects(Object.assign(new Error('Too many labeling jobs'), { name: 'ResourceLimitExceeded' }));

    await expect(startLabelingJob(sample)).rejects.toThrow('Too many labeling jobs');
    expect(s3).not.toHaveReceivedCommandWith(PutObjectCommand, { Key: RECORD_KEY });
  });

  it('does not read the validation report for a batch too small for auto-labeling', async () => {
    await startLabelingJob({ ...sample, run: { ...sample.run, autoLabeling: true } });

    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
    expect(JSON.parse(putBody(RECORD_KEY)).autoLabeling).toMatchObject({ enabled: false, code: 'BATCH_TOO_SMALL' });
  });

  it('continues with the job it created before when a retry finds it running under its run tag', async () => {
    sageMaker.on(CreateLabelingJobCommand).rejects(new ResourceInUse({ message: 'exists', $metadata: {} }));
    existingJob(JOB, 'InProgress');

    const result = await startLabelingJob(sample);

    expect(result.reusedExistingJob).toBe(true);
    expect(sfn).not.toHaveReceivedAnyCommand();
    expect(s3).not.toHaveReceivedCommand(DeleteObjectCommand);
    expect(JSON.parse(putBody(RECORD_KEY)).reusedExistingJob).toBe(true);
  });

  it('resumes at once when the job it created before has already completed', async () => {
    sageMaker.on(CreateLabelingJobCommand).rejects(new ResourceInUse({ message: 'exists', $metadata: {} }));
    existingJob(JOB, 'Completed');

    await startLabelingJob(sample);

    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: sample.taskToken });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: TOKEN_KEY });
  });

  it('fails clearly, and drops its token, when the job name belongs to another run', async () => {
    sageMaker.on(CreateLabelingJobCommand).rejects(new ResourceInUse({ message: 'exists', $metadata: {} }));
    existingJob('some-other-run', 'InProgress');

    await expect(startLabelingJob(sample)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringMatching(/already exists and was not started by run/),
    });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectCommand, { Bucket: BUCKET, Key: TOKEN_KEY });
    expect(s3).not.toHaveReceivedCommandWith(PutObjectCommand, { Key: RECORD_KEY });
  });

  it('rejects a -ref label attribute before storing anything', async () => {
    const input = { ...sample, run: { ...sample.run, labelAttributeName: 'logos-ref' } };

    await expect(handler(input, fakeContext)).rejects.toMatchObject({ name: 'InvalidInput' });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(sageMaker).not.toHaveReceivedCommand(CreateLabelingJobCommand);
  });

  it('refuses to start in a region without Ground Truth, listing the supported ones, before storing anything', async () => {
    const region = process.env.AWS_REGION;
    process.env.AWS_REGION = 'eu-north-1';
    try {
      let isolated: typeof startLabelingJob | undefined;
      jest.isolateModules(() => {
        isolated = require('../../functions/labeling/start-labeling-job/handler').startLabelingJob;
      });

      await expect(isolated?.(sample)).rejects.toThrow(/"eu-north-1"; deploy to one of: us-east-1, .*ap-southeast-2/);
    } finally {
      process.env.AWS_REGION = region;
    }
    expect(calls).toEqual([]);
  });

  it('rejects a payload without a task token as InvalidInput naming the field', async () => {
    const { taskToken: _omitted, ...input } = sample;

    await expect(handler(input, fakeContext)).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('taskToken'),
    });
  });
});
