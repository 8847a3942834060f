import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateDatasetCommand,
  CreateProjectCommand,
  DescribeDatasetCommand,
  DescribeProjectsCommand,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { validateRekognitionManifest } from '../../local-runtime/stand-ins/rekognition-manifest';
import { QUIRKS_MANIFEST } from '../fixtures/memory-ports';
import { runStateMachine } from './harness';
import {
  BUCKET,
  labelingOutput,
  manifestOutput,
  OUTPUT_MANIFEST_KEY,
  PIPELINE_INPUT,
  RUN_ID,
  validationStates,
} from './stage-outputs';

const s3 = mockClient(S3Client);
const rekognition = mockClient(RekognitionClient);
const eventBridge = mockClient(EventBridgeClient);

const PROJECT_ARN = `arn:aws:rekognition:us-east-1:123456789012:project/labeling-pipeline-${RUN_ID}/1764000000000`;

const input = PIPELINE_INPUT;

/** Fixed outputs up to the labeling job; PrepareRun and PostProcess run for real. */
const upstream = {
  ...validationStates({ total: 9, accepted: 9 }),
  BuildManifest: async () => manifestOutput(9),
  StartLabelingJobAndWait: async () => labelingOutput({ TotalLabeled: 20, FailedNonRetryableError: 2 }),
};

const written = (key: string): string | undefined => {
  const body = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === key)?.args[0].input.Body;
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : Buffer.from(body as Uint8Array).toString('utf8');
};

const outputManifest = (body: Readable) =>
  s3.on(GetObjectCommand, { Key: OUTPUT_MANIFEST_KEY }).resolves({ Body: sdkStreamMixin(body) });

describe('post-process in the state machine', () => {
  beforeEach(() => {
    s3.reset();
    rekognition.reset();
    eventBridge.reset();
    s3.on(PutObjectCommand).resolves({});
    // No worker responses under the job's output: PostProcess reads no per-labeler figures.
    s3.on(ListObjectsV2Command).resolves({});
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    rekognition.on(DescribeProjectsCommand).resolves({ ProjectDescriptions: [] });
    rekognition.on(CreateProjectCommand).resolves({ ProjectArn: PROJECT_ARN });
    rekognition.on(CreateDatasetCommand).resolves({ DatasetArn: `${PROJECT_ARN}/dataset/x/1` });
    rekognition.on(DescribeDatasetCommand).resolves({ DatasetDescription: { Status: 'CREATE_COMPLETE' } });
  });

  it('turns the labeling output into the manifests CreateDataset imports, with a small $.dataset', async () => {
    outputManifest(createReadStream(QUIRKS_MANIFEST));

    const result = await runStateMachine({ input, overrides: upstream });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.path.slice(result.path.indexOf('PostProcess'), result.path.indexOf('PostProcess') + 2)).toEqual([
      'PostProcess',
      'CreateDataset',
    ]);
    expect(result.output).toMatchObject({
      dataset: { lines: 22, accepted: 9, trainManifestUri: `s3://${BUCKET}/runs/${RUN_ID}/dataset/train.manifest` },
    });
    expect(rekognition).toHaveReceivedCommandWith(CreateDatasetCommand, {
      DatasetType: 'TEST',
      DatasetSource: {
        GroundTruthManifest: { S3Object: { Bucket: BUCKET, Name: `runs/${RUN_ID}/dataset/test.manifest` } },
      },
    });
    const test = validateRekognitionManifest((written(`runs/${RUN_ID}/dataset/test.manifest`) ?? '').split('\n'));
    expect(test).toMatchObject({ invalid: [] });
    expect(test.entries).toBeGreaterThan(0);
  });

  it('fails with NoUsableLabels and announces it when no labeled line is usable', async () => {
    const failed = `{"source-ref":"s3://${BUCKET}/a.jpg","bounding-box-metadata":{"failure-reason":"ClientError: expired"}}\n`;
    outputManifest(Readable.from([failed]));

    const result = await runStateMachine({ input, overrides: upstream });

    expect(result.status).toBe('FAILED');
    expect(result.path.slice(-3)).toEqual(['PostProcess', 'PublishFailure', 'Failed']);
    expect(result.error?.Error).toBe('NoUsableLabels');
    expect(result.error?.Cause).toContain(`runs/${RUN_ID}/dataset/report.json`);
    expect(JSON.parse(written(`runs/${RUN_ID}/dataset/report.json`) ?? '{}')).toMatchObject({ accepted: 0 });
    expect(rekognition).not.toHaveReceivedCommand(CreateDatasetCommand);
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry?.DetailType).toBe('Labeling Pipeline Failed');
  });
});
