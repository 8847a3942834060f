import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface Fragment {
  Conditions: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, { Condition?: string; Value: unknown }>;
}

const root = join(__dirname, '../..');
const text = readFileSync(join(root, 'infra/private-workforce.yml'), 'utf8');
// A plain YAML parser must read it: short-form tags such as !Ref would make this throw.
const fragment = parse(text, { strict: true, customTags: [] }) as Fragment;

describe('infra/private-workforce.yml', () => {
  it('has only the keys serverless.yml merges into the template', () => {
    expect(Object.keys(fragment)).toEqual(['Conditions', 'Resources', 'Outputs']);
    expect(text).not.toMatch(/!(Ref|Sub|GetAtt|If|Equals|Tags)\b/);
  });

  it('is off unless the createWorkforce parameter is "true"', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless/CloudFormation variable, not a JS template
    expect(fragment.Conditions.CreatePrivateWorkforce).toEqual({ 'Fn::Equals': ['${param:createWorkforce}', 'true'] });
    for (const [name, resource] of Object.entries(fragment.Resources)) {
      expect([name, resource.Condition]).toEqual([name, 'CreatePrivateWorkforce']);
    }
    for (const [name, output] of Object.entries(fragment.Outputs)) {
      expect([name, output.Condition]).toEqual([name, 'CreatePrivateWorkforce']);
    }
  });

  it('creates the user pool, app client, domain, user group and work team', () => {
    expect(Object.values(fragment.Resources).map((r) => r.Type)).toEqual([
      'AWS::Cognito::UserPool',
      'AWS::Cognito::UserPoolClient',
      'AWS::Cognito::UserPoolDomain',
      'AWS::Cognito::UserPoolGroup',
      'AWS::SageMaker::Workteam',
    ]);
  });

  it('gives the app client the OAuth settings Ground Truth needs', () => {
    expect(fragment.Resources.WorkforceUserPoolClient?.Properties).toMatchObject({
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['email', 'openid', 'profile'],
      SupportedIdentityProviders: ['COGNITO'],
    });
  });

  it('offers workers TOTP MFA and asks for passwords with symbols', () => {
    const pool = fragment.Resources.WorkforceUserPool?.Properties;

    expect(pool).toMatchObject({ MfaConfiguration: 'OPTIONAL', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    expect(pool?.Policies).toMatchObject({ PasswordPolicy: { RequireSymbols: true, MinimumLength: 12 } });
  });

  it('binds the work team to the pool, client and group it creates', () => {
    expect(fragment.Resources.PrivateWorkteam?.Properties.MemberDefinitions).toEqual([
      {
        CognitoMemberDefinition: {
          CognitoUserPool: { Ref: 'WorkforceUserPool' },
          CognitoClientId: { Ref: 'WorkforceUserPoolClient' },
          CognitoUserGroup: { Ref: 'WorkforceUserGroup' },
        },
      },
    ]);
  });

  it('names the work team as the ARN serverless.yml hands to startLabelingJob', () => {
    const serverless = readFileSync(join(root, 'serverless.yml'), 'utf8');
    const name = fragment.Resources.PrivateWorkteam?.Properties.WorkteamName;

    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless/CloudFormation variable, not a JS template
    expect(name).toBe('${self:service}-${sls:stage}');
    expect(serverless).toContain(`workteam/private-crowd/${name}`);
  });

  it('outputs where to find the labeling portal', () => {
    expect(fragment.Outputs.LabelingPortalConsoleUrl?.Value).toEqual({
      'Fn::Sub':
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Serverless/CloudFormation variable, not a JS template
        'https://${AWS::Region}.console.aws.amazon.com/sagemaker/groundtruth?region=${AWS::Region}#/labeling-workforces',
    });
  });
});
