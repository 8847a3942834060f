import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SETTING_DEFAULTS, SETTING_NAMES, type SettingName } from '../../functions/kernel/config';
import { ROUTES } from '../../functions/labeling/builtin/contracts/api';
import { READY_PATTERN } from '../../functions/labeling/builtin/contracts/ready-event';
import { TABLE_INDEXES } from '../../functions/labeling/builtin/contracts/table-items';
import { GROUND_TRUTH_REGIONS } from '../../functions/labeling/ground-truth/contracts/ground-truth-regions';
import { RUN_FAILED, RUN_SUCCEEDED } from '../../functions/run/contracts/pipeline-events';
import { ASL_PATH } from '../../local-runtime/stack/asl-loader';
import { pipelineEventRules } from '../../local-runtime/stack/event-rules';
import { handlerModules } from '../../local-runtime/stack/lambda-registry';
import { bundleFunction, type FunctionBundle } from '../../scripts/function-bundles';

const ROOT = join(__dirname, '..', '..');
const TEMPLATE = join(ROOT, '.serverless', 'cloudformation-template-update-stack.json');

type Resource = { Type: string; Properties: Record<string, unknown>; Condition?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

const packageStack = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts', 'package.cjs'), ...args], { cwd: ROOT, encoding: 'utf8' });

let resources: Record<string, Resource>;
let outputs: Record<string, unknown>;
let conditions: Record<string, unknown>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const resource = (id: string): Resource => {
  const found = resources[id];
  if (!found) throw new Error(`no resource ${id}`);
  return found;
};
const statementsOf = (role: Resource): Statement[] =>
  ((role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []).flatMap(
    (p) => p.PolicyDocument.Statement,
  );
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
/** Every function the functions.yml files declare (a stage's, and a backend's inside it). */
const declaredFunctions = (): string[] =>
  readdirSync(join(ROOT, 'functions'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('functions.yml'))
    .flatMap((file) => Object.keys(parse(readFileSync(join(ROOT, 'functions', file), 'utf8')) ?? {}));
const lambdaIdOf = (fnKey: string) => `${fnKey.charAt(0).toUpperCase()}${fnKey.slice(1)}LambdaFunction`;
const lambdaOf = (fnKey: string) => resource(lambdaIdOf(fnKey));

/** SSE-S3 (AES256) by default with S3 Bucket Keys, as storage.yml and builtin-labeling.yml configure it. */
const SSE_S3 = {
  ServerSideEncryptionConfiguration: [
    { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true },
  ],
};
/** The TLS-only statement: every S3 action on the bucket and its objects is denied without TLS, to anyone. */
const denyInsecureTransport = (bucketId: string) => ({
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, { 'Fn::Sub': `\${${bucketId}.Arn}/*` }],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

beforeAll(() => {
  const run = packageStack();
  if (run.status !== 0) throw new Error(`osls package failed:\n${run.stdout}\n${run.stderr}`);
  const template = JSON.parse(readFileSync(TEMPLATE, 'utf8'));
  resources = template.Resources;
  outputs = template.Outputs;
  conditions = template.Conditions;
}, 180_000);

describe('packaged template', () => {
  it('encrypts the data bucket, blocks public access, enables EventBridge and sets the Ground Truth CORS rule', () => {
    const bucket = resource('DataBucket').Properties;

    expect(bucket.BucketEncryption).toEqual(SSE_S3);
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    expect(bucket.CorsConfiguration).toEqual({
      CorsRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'], ExposedHeaders: ['Access-Control-Allow-Origin'] }],
    });
  });

  it('aborts incomplete multipart uploads after 7 days and expires noncurrent versions after a stage parameter', () => {
    const rules = (resource('DataBucket').Properties.LifecycleConfiguration as { Rules: object[] }).Rules;
    const serverless = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');

    expect(rules).toContainEqual(
      expect.objectContaining({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 } }),
    );
    expect(serverless).toMatch(/noncurrentVersionDays: 30\n/);
  });

  it('encrypts the alarm topic with a rotated customer-managed key that CloudWatch may use', () => {
    const topic = resource('AlarmTopic').Properties;
    const key = resource('AlarmTopicKey').Properties;
    const statements = (key.KeyPolicy as { Statement: (Statement & { Principal: unknown })[] }).Statement;

    expect(topic.KmsMasterKeyId).toEqual({ Ref: 'AlarmTopicKey' });
    expect(key.EnableKeyRotation).toBe(true);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey']),
      }),
    );
  });

  it('denies every request to the bucket that does not use TLS', () => {
    const policy = resource('DataBucketPolicy').Properties.PolicyDocument as { Statement: Statement[] };

    expect(policy.Statement).toContainEqual(expect.objectContaining(denyInsecureTransport('DataBucket')));
  });

  it('packages one Lambda per step, each with its own role', () => {
    const functions = ofType('AWS::Lambda::Function');
    const roles = new Set(functions.map(([, fn]) => JSON.stringify(fn.Properties.Role)));

    expect(functions.length).toBe(declaredFunctions().length);
    expect(roles.size).toBe(functions.length);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
    }
  });

  describe('the state machine role, for the validation Distributed Map', () => {
    const role = () => statementsOf(resource('LabelingPipelineStateMachineRole'));
    const granting = (action: string) => role().filter((s) => actions(s).includes(action));
    const asl = () => parse(readFileSync(ASL_PATH, 'utf8')) as { States: Record<string, Record<string, unknown>> };

    it('deploys ValidateImages as a DISTRIBUTED Map that lists the batch with ListObjectsV2 and exports its results', () => {
      const map = asl().States.ValidateImages as Record<string, Record<string, unknown>>;
      const machine = ofType('AWS::StepFunctions::StateMachine')[0]?.[1];

      expect(map.ItemProcessor?.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
      expect(map.ItemReader?.Resource).toBe('arn:aws:states:::s3:listObjectsV2');
      expect(map.ResultWriter?.Resource).toBe('arn:aws:states:::s3:putObject');
      expect(map.ItemBatcher).toMatchObject({ MaxItemsPerBatchPath: '$.validationPlan.itemsPerBatch' });
      expect(machine?.Properties.RoleArn).toEqual({ 'Fn::GetAtt': ['LabelingPipelineStateMachineRole', 'Arn'] });
    });

    it('may start its own executions, and describe and stop their children, nothing else', () => {
      expect(granting('states:StartExecution')).toEqual([
        expect.objectContaining({
          Resource: {
            'Fn::Sub':
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template.
              'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:labeling-pipeline-dev',
          },
        }),
      ]);
      expect(granting('states:DescribeExecution')).toEqual([
        expect.objectContaining({
          Action: ['states:DescribeExecution', 'states:StopExecution'],
          Resource: {
            'Fn::Sub':
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template.
              'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:labeling-pipeline-dev/*',
          },
        }),
      ]);
    });

    it('lists the bucket under incoming/ only (ItemReader) and writes under runs/ only (ResultWriter)', () => {
      const list = granting('s3:ListBucket');
      const put = granting('s3:PutObject');

      expect(list).toEqual([
        expect.objectContaining({
          Resource: { 'Fn::GetAtt': ['DataBucket', 'Arn'] },
          Condition: { StringLike: { 's3:prefix': ['incoming/*'] } },
        }),
      ]);
      expect(put).toEqual([
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template.
        expect.objectContaining({ Resource: { 'Fn::Sub': '${DataBucket.Arn}/runs/*' } }),
      ]);
      expect(actions(put[0] as Statement)).toEqual(
        expect.arrayContaining(['s3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload']),
      );
      expect(JSON.stringify(role())).not.toContain('/incoming/*');
    });

    it("may invoke exactly the functions its Task states (the map's child included) name", () => {
      const named = new Set<string>();
      const visit = (states: Record<string, Record<string, unknown>>) => {
        for (const state of Object.values(states)) {
          type GetAtt = { 'Fn::GetAtt'?: [string] } | undefined;
          const resource = state.Resource as GetAtt | string;
          const target =
            typeof resource === 'object'
              ? resource
              : ((state.Parameters as { FunctionName?: GetAtt })?.FunctionName ?? undefined);
          if (target?.['Fn::GetAtt']) named.add(lambdaIdOf(target['Fn::GetAtt'][0]));
          const processor = state.ItemProcessor as { States?: Record<string, Record<string, unknown>> } | undefined;
          if (processor?.States) visit(processor.States);
        }
      };
      visit(asl().States);
      const [invoke] = granting('lambda:InvokeFunction');
      const invoked = new Set(
        ((invoke?.Resource ?? []) as { 'Fn::GetAtt'?: [string, string] }[]).flatMap((r) => r['Fn::GetAtt']?.[0] ?? []),
      );

      expect(named.has('ValidateImageBatchLambdaFunction')).toBe(true);
      expect([...invoked].sort()).toEqual([...named].sort());
    });
  });

  it('grants no wildcard action in any role', () => {
    const all = ofType('AWS::IAM::Role').flatMap(([, role]) => statementsOf(role));

    expect(all.length).toBeGreaterThan(20);
    for (const statement of all) for (const action of actions(statement)) expect(action).not.toMatch(/\*/);
  });

  it('limits iam:PassRole to the labeling role, passed to SageMaker only', () => {
    const passRole = ofType('AWS::IAM::Role')
      .flatMap(([, role]) => statementsOf(role))
      .filter((s) => actions(s).includes('iam:PassRole'));

    expect(passRole).toEqual([
      {
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: { 'Fn::GetAtt': ['LabelingExecutionRole', 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
    ]);
  });

  it('lets Ground Truth read and write only its prefixes of the data bucket', () => {
    const statements = statementsOf(resource('LabelingExecutionRole'));
    const s3Resources = JSON.stringify(statements.filter((s) => actions(s).some((a) => a.startsWith('s3:'))));

    expect(s3Resources).toContain('DataBucket.Arn}/incoming/*');
    expect(s3Resources).toContain('DataBucket.Arn}/runs/*');
    expect(s3Resources).not.toContain('task-tokens');
  });

  it('grants the labeling role s3:GetBucketLocation without a condition its requests never carry', () => {
    const statements = statementsOf(resource('LabelingExecutionRole'));

    expect(statements.filter((s) => actions(s).includes('s3:GetBucketLocation'))).toEqual([
      { Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: { 'Fn::GetAtt': ['DataBucket', 'Arn'] } },
    ]);
  });

  it('lets every function that reads a maybe-missing object list the bucket, so S3 answers NoSuchKey', () => {
    const roleOf = (fnKey: string) =>
      resource(`${fnKey.charAt(0).toUpperCase()}${fnKey.slice(1)}IamRoleLambdaExecution`);

    for (const fnKey of [
      'startPipeline',
      'startLabelingJob',
      'labelingJobEvents',
      'reconcileLabelingJob',
      'sweepTaskTokens',
      'postProcess',
    ]) {
      const listing = statementsOf(roleOf(fnKey)).filter((s) => actions(s).includes('s3:ListBucket'));
      expect({ fnKey, lists: listing.length }).toEqual({ fnKey, lists: 1 });
    }
  });

  it("sets each function's declared settings, and no pipeline setting it does not declare", () => {
    const variables = (fnKey: string) =>
      Object.keys((lambdaOf(fnKey).Properties.Environment as { Variables: object }).Variables);
    const modules = handlerModules();

    expect(Object.keys(modules)).toHaveLength(declaredFunctions().length);
    for (const [fnKey, path] of Object.entries(modules)) {
      const { SETTINGS: declared } = require(path) as { SETTINGS: readonly SettingName[] };
      // Lambda sets AWS_REGION itself; settings with a default need not be deployed.
      const required = declared.filter((name) => name !== 'AWS_REGION' && !SETTING_DEFAULTS.has(name));
      const deployed = variables(fnKey).filter((name) => SETTING_NAMES.includes(name as SettingName));
      // DATA_BUCKET is set for every function (serverless.yml provider.environment).
      const undeclared = deployed.filter((name) => !declared.includes(name as SettingName) && name !== 'DATA_BUCKET');

      expect({ fnKey, missing: required.filter((name) => !variables(fnKey).includes(name)), undeclared }).toEqual({
        fnKey,
        missing: [],
        undeclared: [],
      });
    }
  });

  it('runs postProcess with heap flags only, the ones the convert bench and the CLI use', () => {
    const variables = (lambdaOf('postProcess').Properties.Environment as { Variables: Record<string, string> })
      .Variables;
    const declared = parse(readFileSync(join(ROOT, 'functions/conversion/functions.yml'), 'utf8')).postProcess
      .environment.NODE_OPTIONS;
    const flags = String(variables.NODE_OPTIONS).split(' ');
    const bin = readFileSync(join(ROOT, 'cli/bin.cjs'), 'utf8');

    expect(variables.NODE_OPTIONS).toBe(declared);
    expect(flags).toEqual([
      expect.stringMatching(/^--max-semi-space-size=\d+$/),
      expect.stringMatching(/^--max-old-space-size=\d+$/),
    ]);
    expect(bin).toContain(`const CONVERT_HEAP_FLAGS = [${flags.map((f) => `'${f}'`).join(', ')}];`);
  });

  it('deploys the ASL file as is, with logging and tracing on', () => {
    const [[, machine] = ['', undefined]] = ofType('AWS::StepFunctions::StateMachine');
    const deployed = JSON.stringify(machine?.Properties.DefinitionString);
    const stateNames = Object.keys((parse(readFileSync(ASL_PATH, 'utf8')) as { States: object }).States);

    for (const name of stateNames) expect(deployed).toContain(`\\"${name}\\"`);
    expect(deployed).toContain('2764800');
    expect(machine?.Properties.LoggingConfiguration).toMatchObject({ Level: 'ERROR' });
    expect(machine?.Properties.TracingConfiguration).toEqual({ Enabled: true });
  });

  it('deploys the EventBridge rule patterns the contracts define, each to its function', () => {
    // serverless.yml's custom.stateMachineArn, for the default stage `dev`.
    const stateMachineArn = {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template.
      'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:labeling-pipeline-dev',
    };
    const rules = pipelineEventRules({ Ref: 'DataBucket' }, stateMachineArn);

    // The sweep's rule is a schedule, not a pattern (checked below).
    expect(rules.map((r) => r.logicalId).sort()).toEqual(
      ofType('AWS::Events::Rule')
        .filter(([, r]) => r.Properties.EventPattern !== undefined)
        .map(([id]) => id)
        .sort(),
    );
    for (const rule of rules) {
      const deployed = resource(rule.logicalId).Properties;
      const [target] = deployed.Targets as { Arn: unknown }[];

      expect({ rule: rule.logicalId, pattern: deployed.EventPattern }).toEqual({
        rule: rule.logicalId,
        pattern: rule.pattern,
      });
      expect(target?.Arn).toEqual({ 'Fn::GetAtt': [lambdaIdOf(rule.target), 'Arn'] });
    }
  });

  it('gives every event rule target, schedules included, retries and a dead-letter queue the queue accepts', () => {
    const rules = ofType('AWS::Events::Rule');
    const queuePolicies = ofType('AWS::SQS::QueuePolicy').map(([, p]) => JSON.stringify(p.Properties.PolicyDocument));
    const dlq = { Arn: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] } };

    expect(rules.filter(([, r]) => r.Properties.ScheduleExpression !== undefined).length).toBeGreaterThanOrEqual(2);
    for (const [id, rule] of rules) {
      for (const target of rule.Properties.Targets as object[]) {
        expect(target).toMatchObject({ RetryPolicy: expect.any(Object), DeadLetterConfig: dlq });
      }
      expect(queuePolicies.some((p) => p.includes(JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] })))).toBe(true);
    }
  });

  it('expires built-in jobs hourly from a rule with retries and a DLQ, and dead-letters failed invocations', () => {
    const [schedule] = ofType('AWS::Events::Rule').filter(([, r]) =>
      JSON.stringify(r.Properties.Targets).includes('ExpireBuiltinJobsLambdaFunction'),
    );
    const invokeConfig = ofType('AWS::Lambda::EventInvokeConfig').find(([, c]) =>
      JSON.stringify(c.Properties.FunctionName).includes('ExpireBuiltinJobsLambdaFunction'),
    );

    expect(schedule?.[1].Properties.ScheduleExpression).toBe('rate(1 hour)');
    expect(invokeConfig?.[1].Properties.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] } },
    });
  });

  it('sweeps the task tokens on the stage-parameter schedule, hourly by default, with only the access it uses', () => {
    const schedules = ofType('AWS::Events::Rule').filter(
      ([, r]) =>
        r.Properties.ScheduleExpression !== undefined &&
        JSON.stringify(r.Properties.Targets).includes('SweepTaskTokensLambdaFunction'),
    );
    const role = resource('SweepTaskTokensIamRoleLambdaExecution');
    const granted = statementsOf(role).flatMap(actions).sort();

    expect(schedules.map(([, r]) => r.Properties.ScheduleExpression)).toEqual(['rate(1 hour)']);
    expect(JSON.stringify(schedules[0]?.[1].Properties.Targets)).toContain('SweepTaskTokensLambdaFunction');
    expect(granted).toEqual(
      expect.arrayContaining([
        's3:ListBucket',
        's3:GetObject',
        's3:DeleteObject',
        'sagemaker:DescribeLabelingJob',
        'states:SendTaskSuccess',
        'states:SendTaskFailure',
        'dynamodb:GetItem',
      ]),
    );
    expect(granted).not.toContain('dynamodb:PutItem');
    expect(granted).not.toContain('dynamodb:UpdateItem');
    expect(granted).not.toContain('s3:PutObject');
    expect(granted).not.toContain('sagemaker:StopLabelingJob');
    expect(JSON.stringify(statementsOf(role))).not.toContain('/runs/*');
  });

  it('alarms on failed executions and on dead-lettered events', () => {
    const metrics = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.MetricName);

    expect(metrics).toEqual(expect.arrayContaining(['ExecutionsFailed', 'ApproximateNumberOfMessagesVisible']));
  });

  it('documents the published event types in the README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

    expect(readme).toContain(RUN_SUCCEEDED);
    expect(readme).toContain(RUN_FAILED);
  });

  it('refuses to package the ground-truth backend for a region without Ground Truth bounding-box Lambdas, listing the supported ones', () => {
    const run = packageStack('--region', 'sa-east-1', '--param', 'labelingBackend=ground-truth');

    expect(run.status).not.toBe(0);
    const output = `${run.stdout}${run.stderr}`;
    expect(output).toContain('Region sa-east-1 has no Ground Truth bounding-box Lambdas');
    for (const region of Object.keys(GROUND_TRUTH_REGIONS)) expect(output).toContain(region);
  }, 120_000);
});

/** An object pattern of the data bucket (CloudFormation's own `${...}` syntax, not a template string). */
const dataObjects = (pattern: string) => JSON.stringify({ 'Fn::Sub': ['$', `{DataBucket.Arn}/${pattern}`].join('') });
/** The one S3 resource the API's signers may read. */
const INCOMING_OBJECTS = ['$', '{DataBucket.Arn}/incoming/*'].join('');
/** What the review routes read besides: a job's output under the run's labeling output, and the dataset report. */
const REVIEW_READS = [
  'runs/*/labeling/output/*/manifests/output/output.manifest',
  'runs/*/labeling/output/*',
  'runs/*/dataset/report.json',
  'incoming/*',
].map(dataObjects);

describe('packaged template: the built-in labeling backend', () => {
  const roleOf = (fnKey: string) => resource(`${fnKey.charAt(0).toUpperCase()}${fnKey.slice(1)}IamRoleLambdaExecution`);
  /** The function behind each route of `ROUTES`, found through its packaged route's integration. */
  const apiFunctions = () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    return Object.values(ROUTES).map((route) => {
      const target = JSON.stringify(routes.find((r) => r.RouteKey === `${route.method} ${route.path}`)?.Target);
      const integration = /"Ref":"(HttpApiIntegration\w+)"/.exec(target)?.[1] ?? `no integration for ${route.path}`;
      const uri = resource(integration).Properties.IntegrationUri as { 'Fn::GetAtt': string[] };
      const lambdaId = uri['Fn::GetAtt'][0] as string;
      return lambdaId.replace(/LambdaFunction$/, '').replace(/^./, (c) => c.toLowerCase());
    });
  };

  it('packages with the built-in backend by default, needing no workteam', () => {
    const prepare = lambdaOf('prepareRun').Properties.Environment as { Variables: Record<string, unknown> };

    expect(prepare.Variables.LABELING_BACKEND).toBe('builtin');
    expect(resources.WorkforceUserPool?.Condition).toBe('CreatePrivateWorkforce');
  });

  it('keeps the labelers table on demand, with point-in-time recovery and encryption, and retains it', () => {
    const table = resource('LabelingTable') as Resource & { DeletionPolicy?: string };

    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(table.DeletionPolicy).toBe('Retain');
    expect((table.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map((i) => i.IndexName)).toEqual([
      TABLE_INDEXES.openImages,
      TABLE_INDEXES.jobs,
    ]);
  });

  it('invites labelers by admin only, with strong passwords, optional TOTP, an admins group and no implicit flow', () => {
    const pool = resource('LabelersUserPool').Properties;
    const client = resource('LabelersUserPoolClient').Properties;

    expect(pool.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
    expect(pool.Policies).toMatchObject({ PasswordPolicy: { MinimumLength: 12, RequireSymbols: true } });
    expect(pool).toMatchObject({ MfaConfiguration: 'OPTIONAL', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    expect(client).toMatchObject({ GenerateSecret: false, AllowedOAuthFlowsUserPoolClient: false });
    expect(client.AllowedOAuthFlows).toBeUndefined();
    expect(client.ExplicitAuthFlows).toEqual([
      'ALLOW_USER_SRP_AUTH',
      'ALLOW_USER_PASSWORD_AUTH',
      'ALLOW_REFRESH_TOKEN_AUTH',
    ]);
    expect(resource('LabelersAdminGroup').Properties.GroupName).toBe('admins');
  });

  it('puts every route but config and openapi behind the Cognito JWT authorizer, with stage throttling', () => {
    const authorizer = resource('HttpApiAuthorizerLabelersAuthorizer').Properties;
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);

    expect(authorizer).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [{ Ref: 'LabelersUserPoolClient' }] },
    });
    for (const route of Object.values(ROUTES)) {
      const deployed = routes.find((r) => r.RouteKey === `${route.method} ${route.path}`);
      expect({ route: route.path, auth: deployed ? (deployed.AuthorizationType ?? 'NONE') : 'missing' }).toEqual({
        route: route.path,
        auth: route.auth === 'none' ? 'NONE' : 'JWT',
      });
    }
    expect(resource('HttpApiStage').Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: expect.anything(),
      ThrottlingBurstLimit: expect.anything(),
    });
  });

  /** What an S3 statement of an API function grants: the API's signers read incoming/, review reads a job's output too. */
  const s3VerdictOf = (review: boolean, action: string, resource: unknown): string => {
    const text = JSON.stringify(resource);
    const resources = (Array.isArray(resource) ? resource : [resource]).map((r) => JSON.stringify(r));
    if (action === 's3:GetObject' && review)
      return resources.every((r) => REVIEW_READS.includes(r)) ? 'a review read' : text;
    if (action === 's3:GetObject') return text === JSON.stringify({ 'Fn::Sub': INCOMING_OBJECTS }) ? 'incoming' : text;
    const bucket = JSON.stringify({ 'Fn::GetAtt': ['DataBucket', 'Arn'] });
    return action === 's3:ListBucket' && review && text === bucket ? 'the bucket' : `${action} on ${text}`;
  };
  /** Why a statement's action is allowed for an API function, or what it grants that it should not. */
  const verdictOf = (fnKey: string, action: string, resource: unknown): string => {
    const text = JSON.stringify(resource);
    if (action.startsWith('dynamodb:')) return text.includes('LabelingTable') ? 'its table' : text;
    if (action === 'events:PutEvents') return 'events';
    if (action.startsWith('s3:')) return s3VerdictOf(fnKey.startsWith('review'), action, resource);
    return `${action} on ${text}`;
  };
  const ALLOWED = ['its table', 'events', 'incoming', 'a review read', 'the bucket'];

  it('lets the API functions touch only their table, presign only reads of incoming/, and review read only a job output and its report', () => {
    const functions = apiFunctions();
    expect(functions).toEqual(expect.arrayContaining(['builtinClaimTask', 'reviewJob', 'reviewImage']));
    for (const fnKey of functions) {
      const statements = statementsOf(roleOf(fnKey)).filter((s) => !actions(s)[0]?.startsWith('logs:'));
      for (const statement of statements) {
        for (const action of actions(statement)) {
          const verdict = verdictOf(fnKey, action, statement.Resource);
          expect({ fnKey, action, allowed: ALLOWED.includes(verdict) || verdict }).toEqual({
            fnKey,
            action,
            allowed: true,
          });
        }
      }
    }
    // reviewJob never reads worker responses: only the output manifest of a job's output.
    const jobReads = statementsOf(roleOf('reviewJob')).filter((s) => actions(s).includes('s3:GetObject'));
    expect(JSON.stringify(jobReads)).not.toContain('labeling/output/*"');
  });

  it('lets only the sign-out route write, and only revocation records (partition keys REVOKED#...)', () => {
    const writers = apiFunctions().filter((fnKey) =>
      statementsOf(roleOf(fnKey)).some((s) => actions(s).includes('dynamodb:PutItem')),
    );
    const put = statementsOf(roleOf('builtinSignOut')).find((s) => actions(s).includes('dynamodb:PutItem'));

    expect(writers).toEqual(['builtinSignOut']);
    expect(put?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REVOKED#*'] } });
    for (const fnKey of apiFunctions().filter((k) => !['builtinConfig', 'builtinOpenapi'].includes(k))) {
      const reads = statementsOf(roleOf(fnKey)).some(
        (s) => actions(s).includes('dynamodb:GetItem') && JSON.stringify(s.Resource).includes('LabelingTable'),
      );
      expect({ fnKey, readsRevocations: reads }).toEqual({ fnKey, readsRevocations: true });
    }
  });

  it('logs every API request as JSON to a log group with retention', () => {
    const stage = resource('HttpApiStage').Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
    const group = resource('HttpApiLogGroup').Properties;

    expect(stage.DestinationArn).toEqual({ 'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'] });
    expect(group.RetentionInDays).toBe(30);
    expect(Object.keys(JSON.parse(stage.Format))).toEqual(
      expect.arrayContaining(['requestId', 'ip', 'routeKey', 'status', 'sub', 'integrationError']),
    );
  });

  it('reserves concurrency for every API function from a stage parameter (20 each by default), for no other', () => {
    const api = new Set([...apiFunctions(), 'reviewJob', 'reviewImage'].map(lambdaIdOf));
    const reserved = ofType('AWS::Lambda::Function')
      .filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined)
      .map(([id]) => id);

    expect(reserved.sort()).toEqual([...api].sort());
    expect(lambdaOf('builtinClaimTask').Properties.ReservedConcurrentExecutions).toEqual({
      'Fn::If': ['ApiConcurrencyReserved', '20', { Ref: 'AWS::NoValue' }],
    });
    expect(conditions.ApiConcurrencyReserved).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['20', 'none'] }] });
  });

  it('puts an optional rate-based AWS WAF rule on CloudFront, off by default', () => {
    const acl = resource('PortalWebAcl');
    const distribution = resource('PortalDistribution').Properties.DistributionConfig as { WebACLId: unknown };

    expect(acl.Condition).toBe('PortalRateLimited');
    expect(conditions.PortalRateLimited).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
    expect(acl.Properties).toMatchObject({
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        {
          Action: { Block: {} },
          // A number even when unset (the condition leaves the ACL out), so the template stays valid.
          Statement: { RateBasedStatement: { AggregateKeyType: 'IP', EvaluationWindowSec: 300, Limit: 10 } },
        },
      ],
    });
    expect(distribution.WebACLId).toEqual({
      'Fn::If': [
        'PortalRateLimited',
        { 'Fn::GetAtt': ['PortalWebAcl', 'Arn'] },
        { 'Fn::If': ['PortalWebAclGiven', '', { Ref: 'AWS::NoValue' }] },
      ],
    });
  });

  it('refuses a WAF rate limit outside us-east-1, where CloudFront web ACLs cannot be made, and a limit WAF refuses', () => {
    const elsewhere = packageStack('--region', 'eu-west-1', '--param', 'portalRateLimit=1000');
    const tooLow = packageStack('--param', 'portalRateLimit=5');

    expect(elsewhere.status).not.toBe(0);
    expect(`${elsewhere.stdout}${elsewhere.stderr}`).toContain('AWS WAF creates in us-east-1 only');
    expect(tooLow.status).not.toBe(0);
    expect(`${tooLow.stdout}${tooLow.stderr}`).toContain('portalRateLimit must be a number');
  }, 120_000);

  it('keeps the execute-api endpoint on: CloudFront reaches the API through it (docs/decisions.md)', () => {
    const distribution = resource('PortalDistribution').Properties.DistributionConfig as {
      Origins: { Id: string; DomainName: unknown }[];
    };

    expect(resource('HttpApi').Properties.DisableExecuteApiEndpoint).toBe(false);
    expect(JSON.stringify(distribution.Origins.find((o) => o.Id === 'api')?.DomainName)).toContain('.execute-api.');
  });

  it('routes the ready event to finalization by the constant pattern, with retries and a DLQ', () => {
    const rule = resource('BuiltinJobReadyRule').Properties;

    expect(rule.EventPattern).toEqual(READY_PATTERN);
    expect(JSON.stringify(rule.Targets)).toContain('FinalizeBuiltinJobLambdaFunction');
    expect(lambdaOf('finalizeBuiltinJob').Properties.Timeout).toBe(900);
  });

  it('serves the portal from a private, encrypted, TLS-only bucket through CloudFront with OAC and security headers', () => {
    const bucket = resource('WebBucket').Properties;
    const statements = (resource('WebBucketPolicy').Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const policy = JSON.stringify(statements);
    const distribution = resource('PortalDistribution').Properties.DistributionConfig as {
      Origins: { Id: string; OriginAccessControlId?: unknown }[];
      DefaultCacheBehavior: { ViewerProtocolPolicy: string; ResponseHeadersPolicyId: unknown };
      CacheBehaviors: { PathPattern: string; TargetOriginId: string }[];
    };
    const headers = resource('PortalSecurityHeaders').Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, unknown>;
    };

    expect(bucket.BucketEncryption).toEqual(SSE_S3);
    expect(statements).toContainEqual(expect.objectContaining(denyInsecureTransport('WebBucket')));
    expect(bucket.PublicAccessBlockConfiguration).toMatchObject({
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(policy).toContain('aws:SecureTransport');
    expect(policy).toContain('cloudfront.amazonaws.com');
    expect(distribution.Origins.find((o) => o.Id === 'web')?.OriginAccessControlId).toBeDefined();
    expect(distribution.DefaultCacheBehavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https' });
    expect(distribution.CacheBehaviors).toEqual([
      expect.objectContaining({ PathPattern: '/api/*', TargetOriginId: 'api' }),
    ]);
    expect(Object.keys(headers.SecurityHeadersConfig)).toEqual(
      expect.arrayContaining([
        'StrictTransportSecurity',
        'ContentTypeOptions',
        'FrameOptions',
        'ContentSecurityPolicy',
      ]),
    );
  });

  it('outputs the portal URL, the web bucket, the user pool and the table', () => {
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'PortalUrl',
        'WebBucketName',
        'LabelersUserPoolId',
        'LabelersUserPoolClientId',
        'LabelingTableName',
      ]),
    );
  });

  it('refuses to package the built-in backend where Rekognition Custom Labels is missing', () => {
    const run = packageStack('--region', 'sa-east-1');

    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain('Region sa-east-1 has no Rekognition Custom Labels');
  }, 120_000);
});

describe('function bundles', () => {
  /** IAM action prefix of the service each SDK client calls. */
  const SERVICE_OF: Record<string, string> = {
    'client-s3': 's3',
    'client-sfn': 'states',
    'client-eventbridge': 'events',
    'client-rekognition': 'rekognition',
    'client-sagemaker': 'sagemaker',
    'client-dynamodb': 'dynamodb',
    'client-cognito-identity-provider': 'cognito-idp',
  };
  let bundles: FunctionBundle[];
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'function-bundles-'));
    bundles = [];
    for (const fn of declaredFunctions()) bundles.push(await bundleFunction(fn, dir));
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every bundle under 1 MB', () => {
    expect(bundles).toHaveLength(declaredFunctions().length);
    for (const bundle of bundles)
      expect({ fn: bundle.fn, under1MB: bundle.bytes < 1_000_000 }).toEqual({ fn: bundle.fn, under1MB: true });
  });

  it("bundles only the SDK clients of services the function's role may call", () => {
    for (const bundle of bundles) {
      const role = resource(
        (lambdaOf(bundle.fn).Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0],
      );
      const services = new Set(
        statementsOf(role)
          .flatMap(actions)
          .map((action) => action.split(':')[0]),
      );
      const unused = bundle.sdkClients.filter((client) => !services.has(SERVICE_OF[client] ?? client));
      expect({ fn: bundle.fn, unused }).toEqual({ fn: bundle.fn, unused: [] });
    }
  });

  it('ships source maps without making Node load them at every cold start', () => {
    for (const bundle of bundles) expect(bundle.mapBytes).toBeGreaterThan(0);
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const variables = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
      expect(String(variables?.NODE_OPTIONS ?? '')).not.toContain('--enable-source-maps');
    }
  });
});
