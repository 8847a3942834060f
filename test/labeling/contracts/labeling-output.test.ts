import {
  attributeOfMetadataKey,
  metadataKeyOf,
  outputManifestKey,
  workerResponseIndex,
  workerResponseKey,
  workerResponsesOfManifest,
} from '../../../functions/labeling/contracts/labeling-output/layout';
import { readOutputLine } from '../../../functions/labeling/contracts/labeling-output/read-output-line';
import {
  readWorkerResponse,
  workerResponseDocument,
} from '../../../functions/labeling/contracts/labeling-output/worker-answers';
import {
  failedOutputRecord,
  labeledOutputRecord,
} from '../../../functions/labeling/contracts/labeling-output/write-output-line';

const box = { label: 'acme', left: 10, top: 20, width: 30, height: 40 };

describe('the labeling output layout', () => {
  it('puts the manifest and the worker responses where Ground Truth does, and finds one from the other', () => {
    const job = 'runs/r1/labeling/output/job-1/';
    const manifest = outputManifestKey(job);
    const response = workerResponseKey(job, 7, new Date('2026-12-01T10:00:00.123Z'));

    expect(manifest).toBe('runs/r1/labeling/output/job-1/manifests/output/output.manifest');
    expect(response).toBe(
      'runs/r1/labeling/output/job-1/annotations/worker-response/iteration-1/7/2026-12-01T10-00-00-123Z.json',
    );
    expect(workerResponseIndex(response)).toBe(7);
    expect(workerResponseIndex(manifest)).toBeUndefined();
    expect(workerResponsesOfManifest(`s3://b/${manifest}`)).toEqual({
      bucket: 'b',
      prefix: 'runs/r1/labeling/output/job-1/annotations/worker-response/',
    });
    expect(workerResponsesOfManifest('s3://b/elsewhere.manifest')).toBeUndefined();
    expect(attributeOfMetadataKey(metadataKeyOf('bb'))).toBe('bb');
    expect(attributeOfMetadataKey('source-ref')).toBeUndefined();
  });
});

describe('output lines: one writer, one reader', () => {
  it('reads back what it writes, naming boxes by the class map', () => {
    const record = labeledOutputRecord({
      sourceRef: 's3://b/incoming/1.jpg',
      attribute: 'bb',
      width: 640,
      height: 480,
      boxes: [{ class_id: 0, left: 10, top: 20, width: 30, height: 40, confidence: 0.8 }],
      classMap: { '0': 'acme' },
      humanAnnotated: 'yes',
      jobName: 'labeling-job/j',
      creationDate: '2026-12-01T10:00:00.000000',
    });

    expect(Object.keys(record)).toEqual(['source-ref', 'bb', 'bb-metadata']);
    expect(readOutputLine(JSON.parse(JSON.stringify(record)), 'bb')).toEqual({
      sourceRef: 's3://b/incoming/1.jpg',
      labeled: true,
      width: 640,
      height: 480,
      boxes: [{ classId: '0', ...box, confidence: 0.8 }],
    });
  });

  it('reads a failed object as unlabeled with its reason, and anything else as empty', () => {
    const failed = failedOutputRecord({ sourceRef: 's3://b/2.jpg', attribute: 'bb', reason: 'ClientError: x' });

    expect(readOutputLine(failed, 'bb')).toEqual({
      sourceRef: 's3://b/2.jpg',
      labeled: false,
      failureReason: 'ClientError: x',
      width: 0,
      height: 0,
      boxes: [],
    });
    expect(readOutputLine('nope', 'bb')).toMatchObject({ sourceRef: '', labeled: false, boxes: [] });
  });
});

describe('worker responses: one writer, one reader', () => {
  const image = {
    width: 640,
    height: 480,
    answers: [
      {
        sub: 'sub-ana',
        email: 'ana@example.com',
        boxes: [box],
        claimedAt: '2026-12-01T10:00:00.000Z',
        submittedAt: '2026-12-01T10:00:04.000Z',
      },
      { sub: 'sub-bo', boxes: [], claimedAt: '2026-12-01T10:00:00.000Z', submittedAt: '2026-12-01T10:00:09.000Z' },
    ],
  };

  it('records who answered (by e-mail too, when known), when, for how long and what they drew', () => {
    const document = JSON.parse(JSON.stringify(workerResponseDocument(image, 'https://issuer')));

    expect(document.answers[0].workerMetadata.identityData).toEqual({
      identityProviderType: 'Cognito',
      issuer: 'https://issuer',
      sub: 'sub-ana',
      email: 'ana@example.com',
    });
    expect(readWorkerResponse(document)).toEqual([
      {
        worker: 'sub-ana',
        email: 'ana@example.com',
        submittedAt: '2026-12-01T10:00:04.000Z',
        seconds: 4,
        boxes: [box],
      },
      { worker: 'sub-bo', submittedAt: '2026-12-01T10:00:09.000Z', seconds: 9, boxes: [] },
    ]);
  });

  it('reads Ground Truth documents tolerantly: the sub as a fallback id, numeric strings, bad boxes left out', () => {
    const document = {
      answers: [
        {
          workerMetadata: { identityData: { sub: 's-1' } },
          timeSpentInSeconds: '7',
          answerContent: { boundingBox: { boundingBoxes: [{ ...box, left: '10' }, { label: 1 }, { label: 'x' }] } },
        },
        { answerContent: {} },
      ],
    };

    expect(readWorkerResponse(document)).toEqual([{ worker: 's-1', submittedAt: '', seconds: 7, boxes: [box] }]);
    expect(readWorkerResponse(null)).toEqual([]);
  });
});
