import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionRules, matchesPattern } from '../../local-runtime/event-rules';

const READY = {
  source: 'labeling-pipeline.builtin',
  'detail-type': 'Built-in Labeling Job Ready',
  detail: { jobId: 'run-1', reason: 'complete' },
};

describe('local EventBridge rules', () => {
  it('reads rules targeting functions from infra files and functions.yml, leaving AWS service events to the stand-ins', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rules-')), 'rules.yml');
    writeFileSync(
      file,
      `Resources:
  JobReadyRule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        source: [labeling-pipeline.builtin]
        detail-type: [Built-in Labeling Job Ready]
      Targets:
        - Id: finalize
          Arn: !GetAtt FinalizeBuiltinJobLambdaFunction.Arn
        - Id: other
          Arn:
            Fn::GetAtt: [FinalizeBuiltinJobLambdaFunction, Arn]
  S3Rule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern: { source: [aws.s3] }
      Targets: [{ Id: s, Arn: { 'Fn::GetAtt': [StartPipelineLambdaFunction, Arn] } }]
`,
    );
    const rules = functionRules([file], {
      finalizeBuiltinJob: {},
      startPipeline: {},
      notify: { events: [{ eventBridge: { pattern: { source: ['labeling-pipeline'] } } }, { httpApi: 'GET /x' }] },
    });
    // Both target forms (short and long) name the function; EventBridge invokes each target.
    expect(rules.filter((r) => r.name === 'JobReadyRule')).toHaveLength(2);
    expect(rules.filter((r) => r.name !== 'JobReadyRule' || r === rules[0])).toEqual([
      {
        name: 'JobReadyRule',
        pattern: expect.objectContaining({ source: ['labeling-pipeline.builtin'] }),
        functionKey: 'finalizeBuiltinJob',
      },
      { name: 'notify-eventBridge', pattern: { source: ['labeling-pipeline'] }, functionKey: 'notify' },
    ]);
  });

  it('matches EventBridge patterns: lists, nested detail, prefix, wildcard, exists, anything-but', () => {
    expect(
      matchesPattern({ source: ['labeling-pipeline.builtin'], 'detail-type': ['Built-in Labeling Job Ready'] }, READY),
    ).toBe(true);
    expect(matchesPattern({ source: ['labeling-pipeline'] }, READY)).toBe(false);
    expect(matchesPattern({ detail: { reason: ['closed', 'complete'] } }, READY)).toBe(true);
    expect(matchesPattern({ detail: { reason: [{ 'anything-but': 'complete' }] } }, READY)).toBe(false);
    expect(matchesPattern({ detail: { jobId: [{ prefix: 'run-' }] } }, READY)).toBe(true);
    expect(matchesPattern({ detail: { jobId: [{ wildcard: 'r*1' }] } }, READY)).toBe(true);
    expect(matchesPattern({ detail: { missing: [{ exists: false }] } }, READY)).toBe(true);
    expect(matchesPattern({ detail: { missing: [{ exists: true }] } }, READY)).toBe(false);
    expect(() => matchesPattern({ detail: { jobId: [{ numeric: ['>', 1] }] } }, READY)).toThrow('numeric');
  });
});
