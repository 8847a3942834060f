import {
  CreateDatasetCommand,
  CreateProjectCommand,
  CreateProjectVersionCommand,
  DescribeDatasetCommand,
  type DescribeDatasetCommandOutput,
  InvalidParameterException,
  RekognitionClient,
  ResourceInUseException,
  UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import { type RunningApiServer, startAwsApiServer } from '../../local-runtime/stand-ins/aws-api-server';
import type { ObjectStore } from '../../local-runtime/stand-ins/object-store';
import { RekognitionStandIn } from '../../local-runtime/stand-ins/rekognition';
import { applyEntryLines, MAX_CHANGES_BYTES } from '../../local-runtime/stand-ins/rekognition-entries';

const objects = new Map<string, string>();
const store: ObjectStore = {
  getText: async (uri) => objects.get(uri),
  putText: async (uri, text) => {
    objects.set(uri, text);
  },
};
const rekognition = new RekognitionStandIn({ store, datasetMs: 10, trainingMs: 10 });
let server: RunningApiServer;
let client: RekognitionClient;

beforeAll(async () => {
  server = await startAwsApiServer([rekognition.service]);
  client = new RekognitionClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
});

afterAll(async () => {
  client.destroy();
  rekognition.stop();
  await server.stop();
});

/** A Rekognition object-detection line for one image with one box of `label`. */
const line = (name: string, label: string, left = 10) =>
  JSON.stringify({
    'source-ref': `s3://bucket/images/${name}.png`,
    'bounding-box': {
      image_size: [{ width: 640, height: 480, depth: 3 }],
      annotations: [{ class_id: 0, top: 20, left, width: 100, height: 80 }],
    },
    'bounding-box-metadata': {
      objects: [{ confidence: 1 }],
      'class-map': { '0': label },
      type: 'groundtruth/object-detection',
      'human-annotated': 'yes',
      'creation-date': '2026-12-07T23:00:00',
    },
  });

const settled = async (arn: string): Promise<DescribeDatasetCommandOutput> => {
  for (;;) {
    const out = await client.send(new DescribeDatasetCommand({ DatasetArn: arn }));
    if (!out.DatasetDescription?.Status?.endsWith('IN_PROGRESS')) return out;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const update = (arn: string, lines: string[]) =>
  client.send(
    new UpdateDatasetEntriesCommand({
      DatasetArn: arn,
      Changes: { GroundTruth: Buffer.from(`${lines.join('\n')}\n`) },
    }),
  );

const dataset = async (project: string, lines: string[]): Promise<{ projectArn: string; arn: string }> => {
  const { ProjectArn = '' } = await client.send(new CreateProjectCommand({ ProjectName: project }));
  objects.set(`s3://bucket/${project}/train.manifest`, `${lines.join('\n')}\n`);
  const { DatasetArn = '' } = await client.send(
    new CreateDatasetCommand({
      ProjectArn,
      DatasetType: 'TRAIN',
      DatasetSource: { GroundTruthManifest: { S3Object: { Bucket: 'bucket', Name: `${project}/train.manifest` } } },
    }),
  );
  await settled(DatasetArn);
  return { projectArn: ProjectArn, arn: DatasetArn };
};

describe('Rekognition stand-in UpdateDatasetEntries', () => {
  it('adds new images and replaces the entry whose source-ref matches, then reports UPDATE_COMPLETE with the stats', async () => {
    const { arn } = await dataset('grow', [line('a', 'acme'), line('b', 'acme')]);

    const returned = await update(arn, [line('b', 'globex', 50), line('c', 'initech')]);

    expect(returned.$metadata.httpStatusCode).toBe(200);
    const after = await settled(arn);
    expect(after.DatasetDescription?.Status).toBe('UPDATE_COMPLETE');
    // a, b (now globex) and c: three images, not four; acme is left on a only.
    expect(after.DatasetDescription?.DatasetStats).toEqual({
      LabeledEntries: 3,
      TotalEntries: 3,
      TotalLabels: 3,
      ErrorEntries: 0,
    });
  });

  it('answers ResourceInUseException while an update is in progress, and leaves the first update to finish', async () => {
    const { arn } = await dataset('busy', [line('a', 'acme')]);

    await update(arn, [line('b', 'acme')]);
    await expect(update(arn, [line('c', 'acme')])).rejects.toBeInstanceOf(ResourceInUseException);

    const after = await settled(arn);
    expect(after.DatasetDescription?.DatasetStats?.TotalEntries).toBe(2);
  });

  it('fails the update, keeping the entries, when more than 20% of its lines are invalid', async () => {
    const { arn } = await dataset('bad-update', [line('a', 'acme')]);

    await update(arn, [line('b', 'acme'), 'not json', '{"source-ref":"s3://bucket/x.png"}']);

    const after = await settled(arn);
    expect(after.DatasetDescription?.Status).toBe('UPDATE_FAILED');
    expect(after.DatasetDescription?.StatusMessage).toMatch(/^ERROR_TOO_MANY_INVALID_ROWS_IN_MANIFEST/);
    expect(after.DatasetDescription?.DatasetStats?.TotalEntries).toBe(1);
  });

  it('refuses changes of 5 MB or more before changing anything', async () => {
    const { arn } = await dataset('too-big', [line('a', 'acme')]);
    const big = line('b', 'acme').padEnd(MAX_CHANGES_BYTES, ' ');

    await expect(update(arn, [big])).rejects.toBeInstanceOf(InvalidParameterException);

    expect((await settled(arn)).DatasetDescription?.Status).toBe('CREATE_COMPLETE');
  });

  it('trains on an updated dataset like on a created one', async () => {
    const { projectArn, arn } = await dataset('train-after-update', [line('a', 'acme')]);
    objects.set('s3://bucket/train-after-update/test.manifest', `${line('t', 'acme')}\n`);
    const { DatasetArn: testArn = '' } = await client.send(
      new CreateDatasetCommand({
        ProjectArn: projectArn,
        DatasetType: 'TEST',
        DatasetSource: {
          GroundTruthManifest: { S3Object: { Bucket: 'bucket', Name: 'train-after-update/test.manifest' } },
        },
      }),
    );
    await settled(testArn);
    await update(arn, [line('b', 'acme')]);
    await settled(arn);

    const version = await client.send(
      new CreateProjectVersionCommand({
        ProjectArn: projectArn,
        VersionName: 'v1',
        OutputConfig: { S3Bucket: 'bucket' },
      }),
    );

    expect(version.ProjectVersionArn).toContain('/version/v1/');
  });

  it('never changes the entries it is given', () => {
    const current = new Map([['s3://bucket/images/a.png', line('a', 'acme')]]);

    const change = applyEntryLines(current, [line('a', 'globex')]);

    expect(change.ok && change.entries.get('s3://bucket/images/a.png')).toBe(line('a', 'globex'));
    expect(current.get('s3://bucket/images/a.png')).toBe(line('a', 'acme'));
  });
});
