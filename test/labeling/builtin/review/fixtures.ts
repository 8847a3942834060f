/** Output lines as finalization writes them (functions/labeling/builtin/rules/job-output.ts). */
export const JOB = 'sample-1-abc';

export const labeledLine = (ref: string, boxes: { classId: number; confidence: number; left?: number }[]) =>
  JSON.stringify({
    'source-ref': ref,
    [JOB]: {
      image_size: [{ width: 640, height: 480, depth: 3 }],
      annotations: boxes.map((b) => ({ class_id: b.classId, left: b.left ?? 10, top: 20, width: 100, height: 50 })),
    },
    [`${JOB}-metadata`]: {
      objects: boxes.map((b) => ({ confidence: b.confidence })),
      'class-map': { '0': 'acme', '1': 'globex' },
      type: 'groundtruth/object-detection',
      'human-annotated': 'yes',
      'creation-date': '2026-12-01T10:00:00.000000',
      'job-name': `labeling-job/${JOB}`,
    },
  });

export const unlabeledLine = (ref: string) =>
  JSON.stringify({
    'source-ref': ref,
    [`${JOB}-metadata`]: {
      'failure-reason': 'ClientError: no labeler answered this image before the job ended',
      'human-annotated': 'yes',
      'creation-date': '2026-12-01T10:00:00.000000',
      'job-name': `labeling-job/${JOB}`,
    },
  });

export const emptyLine = (ref: string) => labeledLine(ref, []);
