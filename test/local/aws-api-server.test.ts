import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateDatasetCommand,
  CreateProjectCommand,
  DescribeDatasetCommand,
  type DescribeDatasetCommandOutput,
  DescribeProjectsCommand,
  RekognitionClient,
  ResourceNotFoundException as RekognitionResourceNotFound,
  ResourceInUseException,
} from '@aws-sdk/client-rekognition';
import {
  CreateLabelingJobCommand,
  type CreateLabelingJobCommandInput,
  DescribeLabelingJobCommand,
  ResourceInUse,
  ResourceNotFound,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { StepFunctionsRuntime } from '../../local-runtime/stack/step-functions-runtime';
import { type RunningApiServer, startAwsApiServer } from '../../local-runtime/stand-ins/aws-api-server';
import { type DeliveredEvent, EventBridgeStandIn } from '../../local-runtime/stand-ins/eventbridge';
import type { ObjectStore } from '../../local-runtime/stand-ins/object-store';
import { RekognitionStandIn } from '../../local-runtime/stand-ins/rekognition';
import { SageMakerStandIn } from '../../local-runtime/stand-ins/sagemaker';
import { stepFunctionsService } from '../../local-runtime/stand-ins/step-functions';

const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:stand-in-test';

/** An in-memory bucket for the stand-ins (the runtime uses the local S3 server instead). */
const memoryStore = (): ObjectStore & { objects: Map<string, string> } => {
  const objects = new Map<string, string>();
  return {
    objects,
    getText: async (uri) => objects.get(uri),
    putText: async (uri, text) => {
      objects.set(uri, text);
    },
  };
};

const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
};

const store = memoryStore();
const events: DeliveredEvent[] = [];
const eventBridge = new EventBridgeStandIn();
const sageMaker = new SageMakerStandIn({
  store,
  deliverEvent: async (event) => {
    events.push(event);
  },
  labelingMs: 40,
});
const rekognition = new RekognitionStandIn({ store, datasetMs: 20, trainingMs: 20 });
// Every task "runs" for 300 ms and returns {}; the machine then fails at its first Choice, which is all these tests need.
const runtime = new StepFunctionsRuntime({
  stateMachineArn: STATE_MACHINE_ARN,
  invoke: () => new Promise((resolve) => setTimeout(() => resolve({}), 300)),
});
let server: RunningApiServer;
let clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };

beforeAll(async () => {
  server = await startAwsApiServer([
    sageMaker.service,
    rekognition.service,
    stepFunctionsService(runtime),
    eventBridge.service,
  ]);
  clientConfig = {
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  };
});

afterAll(async () => {
  await runtime.stop();
  sageMaker.stop();
  rekognition.stop();
  await server.stop();
});

describe('Step Functions stand-in', () => {
  it('returns the same execution for a repeated start while it runs, and ExecutionAlreadyExists for other input or once it ended', async () => {
    const sfn = new SFNClient(clientConfig);
    const start = (input: string) =>
      sfn.send(new StartExecutionCommand({ stateMachineArn: STATE_MACHINE_ARN, name: 'run-once', input }));
    const first = await start('{"bucket":"b","prefix":"incoming/x/"}');
    const again = await start('{"bucket":"b","prefix":"incoming/x/"}');
    expect(again.executionArn).toBe(first.executionArn);
    await expect(start('{"bucket":"b","prefix":"incoming/other/"}')).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    await runtime.waitFor(first.executionArn ?? '');
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    expect(described.status).toBe('FAILED');
    expect(described.name).toBe('run-once');
    await expect(start('{"bucket":"b","prefix":"incoming/x/"}')).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    sfn.destroy();
  });

  it('answers TaskTimedOut for a token of no waiting task and InvalidToken for a malformed one', async () => {
    const sfn = new SFNClient(clientConfig);
    const unknown = `AQB${'x'.repeat(120)}`;
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: unknown, output: '{}' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: 'nope', output: '{}' }))).rejects.toBeInstanceOf(
      InvalidToken,
    );
    sfn.destroy();
  });
});

describe('SageMaker Ground Truth stand-in', () => {
  const request = (name: string): CreateLabelingJobCommandInput => ({
    LabelingJobName: name,
    LabelAttributeName: 'bounding-box',
    InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: 's3://data/runs/r1/labeling/input.manifest' } } },
    OutputConfig: { S3OutputPath: 's3://data/runs/r1/labeling/output/' },
    RoleArn: 'arn:aws:iam::123456789012:role/labeling',
    LabelCategoryConfigS3Uri: 's3://data/runs/r1/labeling/label-categories.json',
    HumanTaskConfig: {
      WorkteamArn: 'arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/team',
      UiConfig: { UiTemplateS3Uri: 's3://data/runs/r1/labeling/template.liquid' },
      PreHumanTaskLambdaArn: 'arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox',
      TaskTitle: 'Draw boxes',
      TaskDescription: 'Draw a box around each logo',
      NumberOfHumanWorkersPerDataObject: 3,
      TaskTimeLimitInSeconds: 300,
      AnnotationConsolidationConfig: {
        AnnotationConsolidationLambdaArn: 'arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox',
      },
    },
  });

  beforeAll(() => {
    store.objects.set(
      's3://data/runs/r1/labeling/input.manifest',
      '{"source-ref":"s3://data/incoming/b1/a.png"}\n{"source-ref":"s3://data/incoming/b1/b.png"}\n',
    );
    store.objects.set(
      's3://data/runs/r1/labeling/label-categories.json',
      JSON.stringify({ 'document-version': '2018-11-28', labels: [{ label: 'acme' }, { label: 'globex' }] }),
    );
    const image = { width: 640, height: 480, boxes: [{ label: 'acme', left: 40, top: 60, width: 200, height: 120 }] };
    sageMaker.registerProfile({
      sourcePrefix: 's3://data/incoming/b1/',
      truth: { 'a.png': image, 'b.png': image },
      seed: 7,
      failureRate: 0,
    });
  });

  it('completes a job: writes output.manifest under <S3OutputPath><job>/manifests/output/ and announces Completed', async () => {
    const client = new SageMakerClient(clientConfig);
    const created = await client.send(new CreateLabelingJobCommand(request('Logo-Job-1')));
    expect(created.LabelingJobArn).toBe('arn:aws:sagemaker:us-east-1:123456789012:labeling-job/logo-job-1');

    const done = await until(
      () => client.send(new DescribeLabelingJobCommand({ LabelingJobName: 'logo-job-1' })),
      (d) => d.LabelingJobStatus === 'Completed',
    );
    const outputUri = 's3://data/runs/r1/labeling/output/logo-job-1/manifests/output/output.manifest';
    expect(done.LabelingJobStatus).toBe('Completed');
    expect(done.LabelingJobOutput?.OutputDatasetS3Uri).toBe(outputUri);
    expect(done.LabelCounters?.TotalLabeled).toBe(2);
    const lines = (store.objects.get(outputUri) ?? '').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] ?? '{}')['bounding-box-metadata'].type).toBe('groundtruth/object-detection');

    const event = events.find((e) => e.resources[0] === created.LabelingJobArn);
    expect(event).toMatchObject({
      source: 'aws.sagemaker',
      'detail-type': 'SageMaker Ground Truth Labeling Job State Change',
      detail: { LabelingJobStatus: 'Completed' },
    });
    client.destroy();
  });

  it('returns part of the objects machine-labeled when the job asks for automated labeling', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `auto-${i}.png`);
    store.objects.set(
      's3://data/runs/r4/labeling/input.manifest',
      names.map((n) => JSON.stringify({ 'source-ref': `s3://data/incoming/b4/${n}` })).join('\n'),
    );
    const image = { width: 640, height: 480, boxes: [{ label: 'globex', left: 100, top: 80, width: 160, height: 90 }] };
    sageMaker.registerProfile({
      sourcePrefix: 's3://data/incoming/b4/',
      truth: Object.fromEntries(names.map((n) => [n, image])),
      seed: 3,
      failureRate: 0,
    });
    const client = new SageMakerClient(clientConfig);
    const auto = request('logo-job-auto');
    await client.send(
      new CreateLabelingJobCommand({
        ...auto,
        InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: 's3://data/runs/r4/labeling/input.manifest' } } },
        LabelingJobAlgorithmsConfig: {
          LabelingJobAlgorithmSpecificationArn:
            'arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/object-detection',
        },
      }),
    );
    const done = await until(
      () => client.send(new DescribeLabelingJobCommand({ LabelingJobName: 'logo-job-auto' })),
      (d) => d.LabelingJobStatus === 'Completed',
    );
    expect(done.LabelCounters?.MachineLabeled).toBeGreaterThan(0);
    expect(done.LabelCounters?.HumanLabeled).toBeGreaterThan(0);
    expect((done.LabelCounters?.MachineLabeled ?? 0) + (done.LabelCounters?.HumanLabeled ?? 0)).toBe(10);
    client.destroy();
  });

  it('refuses a second job of the same name, in any case, with ResourceInUse', async () => {
    const client = new SageMakerClient(clientConfig);
    await expect(client.send(new CreateLabelingJobCommand(request('LOGO-JOB-1')))).rejects.toBeInstanceOf(
      ResourceInUse,
    );
    client.destroy();
  });

  it('answers ResourceNotFound for a job that does not exist', async () => {
    const client = new SageMakerClient(clientConfig);
    await expect(
      client.send(new DescribeLabelingJobCommand({ LabelingJobName: 'no-such-job' })),
    ).rejects.toBeInstanceOf(ResourceNotFound);
    client.destroy();
  });
});

describe('Rekognition Custom Labels stand-in', () => {
  // AWS's documented object-detection line (Rekognition developer guide, md-create-manifest-file-object-detection).
  const goodLine = JSON.stringify({
    'source-ref': 's3://bucket/images/IMG_1186.png',
    'bounding-box': {
      image_size: [{ width: 640, height: 480, depth: 3 }],
      annotations: [
        { class_id: 1, top: 251, left: 399, width: 155, height: 101 },
        { class_id: 0, top: 65, left: 86, width: 220, height: 334 },
      ],
    },
    'bounding-box-metadata': {
      objects: [{ confidence: 1 }, { confidence: 1 }],
      'class-map': { '0': 'Echo', '1': 'Echo Dot' },
      type: 'groundtruth/object-detection',
      'human-annotated': 'yes',
      'creation-date': '2013-11-18T02:53:27',
      'job-name': 'my job',
    },
  });

  const describeUntilDone = (client: RekognitionClient, arn: string) =>
    until<DescribeDatasetCommandOutput>(
      () => client.send(new DescribeDatasetCommand({ DatasetArn: arn })),
      (d) => d.DatasetDescription?.Status !== 'CREATE_IN_PROGRESS',
    );

  it('creates a project once, lists it by name with its datasets, and refuses the name again', async () => {
    const client = new RekognitionClient(clientConfig);
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'logos' }));
    expect(ProjectArn).toMatch(/^arn:aws:rekognition:us-east-1:123456789012:project\/logos\/\d+$/);
    await expect(client.send(new CreateProjectCommand({ ProjectName: 'logos' }))).rejects.toBeInstanceOf(
      ResourceInUseException,
    );
    const listed = await client.send(new DescribeProjectsCommand({ ProjectNames: ['logos'] }));
    expect(listed.ProjectDescriptions?.map((p) => p.ProjectArn)).toEqual([ProjectArn]);
    expect(listed.ProjectDescriptions?.[0]?.Datasets).toEqual([]);
    client.destroy();
  });

  it('completes a dataset from a valid Ground Truth manifest with its DatasetStats', async () => {
    const client = new RekognitionClient(clientConfig);
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'valid-manifest' }));
    store.objects.set('s3://bucket/runs/r2/dataset/train.manifest', `${goodLine}\n`);
    const { DatasetArn } = await client.send(
      new CreateDatasetCommand({
        ProjectArn,
        DatasetType: 'TRAIN',
        DatasetSource: {
          GroundTruthManifest: { S3Object: { Bucket: 'bucket', Name: 'runs/r2/dataset/train.manifest' } },
        },
      }),
    );
    const described = await describeUntilDone(client, DatasetArn ?? '');
    expect(described.DatasetDescription?.Status).toBe('CREATE_COMPLETE');
    expect(described.DatasetDescription?.DatasetStats).toEqual({
      LabeledEntries: 1,
      TotalEntries: 1,
      TotalLabels: 2,
      ErrorEntries: 0,
    });
    const listed = await client.send(new DescribeProjectsCommand({ ProjectNames: ['valid-manifest'] }));
    expect(listed.ProjectDescriptions?.[0]?.Datasets?.[0]).toMatchObject({ DatasetType: 'TRAIN', DatasetArn });
    client.destroy();
  });

  it('fails a dataset whose manifest has more than 20% invalid rows with ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST', async () => {
    const client = new RekognitionClient(clientConfig);
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'broken-manifest' }));
    store.objects.set(
      's3://bucket/runs/r3/dataset/train.manifest',
      `${goodLine}\nnot json\n{"source-ref":"s3://bucket/x.png"}\n`,
    );
    const { DatasetArn } = await client.send(
      new CreateDatasetCommand({
        ProjectArn,
        DatasetType: 'TRAIN',
        DatasetSource: {
          GroundTruthManifest: { S3Object: { Bucket: 'bucket', Name: 'runs/r3/dataset/train.manifest' } },
        },
      }),
    );
    const described = await describeUntilDone(client, DatasetArn ?? '');
    expect(described.DatasetDescription?.Status).toBe('CREATE_FAILED');
    expect(described.DatasetDescription?.StatusMessageCode).toBe('CLIENT_ERROR');
    expect(described.DatasetDescription?.StatusMessage).toMatch(/^ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST/);
    expect(described.DatasetDescription?.DatasetStats?.ErrorEntries).toBe(2);
    client.destroy();
  });

  it('answers ResourceNotFoundException for a dataset of an unknown project', async () => {
    const client = new RekognitionClient(clientConfig);
    await expect(
      client.send(
        new CreateDatasetCommand({
          ProjectArn: 'arn:aws:rekognition:us-east-1:123456789012:project/none/1',
          DatasetType: 'TEST',
        }),
      ),
    ).rejects.toBeInstanceOf(RekognitionResourceNotFound);
    client.destroy();
  });
});

describe('EventBridge stand-in', () => {
  it('records well-formed entries with an EventId and reports a malformed one per entry', async () => {
    const client = new EventBridgeClient(clientConfig);
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'labeling-pipeline', DetailType: 'Labeling Pipeline Succeeded', Detail: '{"runId":"r1"}' },
          { Source: 'labeling-pipeline', DetailType: 'Labeling Pipeline Failed', Detail: 'not json' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(1);
    expect(out.Entries?.[0]?.EventId).toEqual(expect.any(String));
    expect(out.Entries?.[1]?.ErrorCode).toBe('MalformedDetail');
    expect(eventBridge.published).toHaveLength(1);
    expect(eventBridge.published[0]).toMatchObject({
      source: 'labeling-pipeline',
      'detail-type': 'Labeling Pipeline Succeeded',
      detail: { runId: 'r1' },
    });
    client.destroy();
  });
});
