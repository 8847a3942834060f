import { AnswerBody } from '../../functions/labeling/builtin/contracts/api';
import { drawAnswer, keyOfImageUrl, truthFromOutputManifest } from '../../local-runtime/labelers/simulated-labelers';
import { generateSampleBatch } from '../../local-runtime/sample/sample-batch';

describe('simulated labelers', () => {
  const sample = generateSampleBatch({ seed: 2 });
  const labels = sample.labels;

  it('draws answers the API accepts: inside the image, boxes empty exactly when nothing is there', () => {
    Object.values(sample.truth).forEach((truth, index) => {
      const task = { taskId: String(index).padStart(6, '0'), width: truth.width, height: truth.height };
      for (const labeler of ['a@x', 'b@x', 'c@x']) {
        const answer = drawAnswer(task, truth, labels, 1, labeler);
        expect(AnswerBody.safeParse(answer).success).toBe(true);
        for (const box of answer.boxes) {
          expect(box.left + box.width).toBeLessThanOrEqual(truth.width);
          expect(box.top + box.height).toBeLessThanOrEqual(truth.height);
          expect(labels).toContain(box.label);
        }
      }
    });
  });

  it('is deterministic per labeler and image, and labelers differ', () => {
    const [name, truth] = Object.entries(sample.truth).find(([, t]) => t.boxes.length > 0) ?? [];
    if (!truth) throw new Error(`no image with boxes (${name})`);
    const task = { taskId: '000001', width: truth.width, height: truth.height };
    expect(drawAnswer(task, truth, labels, 1, 'a@x')).toEqual(drawAnswer(task, truth, labels, 1, 'a@x'));
    expect(drawAnswer(task, truth, labels, 1, 'a@x')).not.toEqual(drawAnswer(task, truth, labels, 1, 'b@x'));
  });

  it('says "nothing to label" for an image it knows nothing about', () => {
    const answer = drawAnswer({ taskId: '000002', width: 100, height: 80 }, undefined, labels, 1, 'a@x');
    expect(answer.nothingToLabel).toBe(answer.boxes.length === 0);
  });

  it('reads the S3 key of a presigned path-style URL', () => {
    expect(
      keyOfImageUrl(
        'http://127.0.0.1:4569/labeling-pipeline-local-data/incoming/sample-1/street%20corner%20%C3%BC%2005.jpg?X-Amz-Signature=x',
      ),
    ).toBe('incoming/sample-1/street corner ü 05.jpg');
  });

  it('takes true boxes from a Ground Truth output manifest, by file name', () => {
    const line = JSON.stringify({
      'source-ref': 's3://b/photos/a.jpg',
      logos: {
        image_size: [{ width: 200, height: 100, depth: 3 }],
        annotations: [{ class_id: 1, left: 1, top: 2, width: 30, height: 40 }],
      },
      'logos-metadata': { 'class-map': { '0': 'acme', '1': 'globex' } },
    });
    expect(truthFromOutputManifest([line, 'not json', '{}']).get('a.jpg')).toEqual({
      width: 200,
      height: 100,
      boxes: [{ label: 'globex', left: 1, top: 2, width: 30, height: 40 }],
    });
  });
});
