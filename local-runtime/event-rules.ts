import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCloudFormation } from './cfn-yaml';
import { deployedFunctions } from './lambda-registry';

const ROOT = join(__dirname, '..');

/** An EventBridge rule on the default bus whose target is one of the stack's functions. */
export interface FunctionRule {
  name: string;
  pattern: Record<string, unknown>;
  functionKey: string;
}

/** serverless's logical id of a function's Lambda resource (`finalizeBuiltinJob` -> `FinalizeBuiltinJobLambdaFunction`). */
const lambdaLogicalId = (functionKey: string): string =>
  `${functionKey.charAt(0).toUpperCase()}${functionKey.slice(1).replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LambdaFunction`;

type Rule = {
  Type?: string;
  Properties?: { EventPattern?: Record<string, unknown>; EventBusName?: unknown; Targets?: { Arn?: unknown }[] };
};

type FunctionDefinitions = Record<string, { events?: Record<string, unknown>[] }>;

/** `AWS::Events::Rule` resources of one file whose targets are the stack's functions. */
const rulesInFile = (file: string, byLogicalId: Map<string, string>): FunctionRule[] => {
  const doc = parseCloudFormation(readFileSync(file, 'utf8')) as { Resources?: Record<string, Rule> } | null;
  return Object.entries(doc?.Resources ?? {}).flatMap(([name, resource]) => {
    const pattern = resource?.Properties?.EventPattern;
    if (resource?.Type !== 'AWS::Events::Rule' || !pattern || resource.Properties?.EventBusName !== undefined)
      return [];
    return (resource.Properties?.Targets ?? []).flatMap((target) => {
      const getAtt = (target.Arn as { 'Fn::GetAtt'?: unknown[] } | undefined)?.['Fn::GetAtt'];
      const functionKey = Array.isArray(getAtt) ? byLogicalId.get(String(getAtt[0])) : undefined;
      return functionKey ? [{ name, pattern, functionKey }] : [];
    });
  });
};

/** The functions' own `eventBridge` events with a pattern on the default bus. */
const functionEventRules = (functions: FunctionDefinitions): FunctionRule[] =>
  Object.entries(functions).flatMap(([functionKey, fn]) =>
    (fn.events ?? []).flatMap((event) => {
      const bridge = event.eventBridge as { pattern?: Record<string, unknown>; eventBus?: unknown } | undefined;
      return bridge?.pattern && bridge.eventBus === undefined
        ? [{ name: `${functionKey}-eventBridge`, pattern: bridge.pattern, functionKey }]
        : [];
    }),
  );

/**
 * The rules that route events to functions, as the stack deploys them: `AWS::Events::Rule`
 * resources in infra/*.yml whose target is `Fn::GetAtt: [<Function>LambdaFunction, Arn]`, and
 * the functions' own `eventBridge` events with a `pattern`. The local EventBridge stand-in
 * delivers each PutEvents entry to every function whose rule matches, as EventBridge would.
 */
export const functionRules = (
  infraFiles: string[] = readdirSync(join(ROOT, 'infra'))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => join(ROOT, 'infra', f)),
  functions: FunctionDefinitions = deployedFunctions() as FunctionDefinitions,
): FunctionRule[] => {
  const byLogicalId = new Map(Object.keys(functions).map((key) => [lambdaLogicalId(key), key]));
  const rules = [
    ...infraFiles.filter((f) => existsSync(f)).flatMap((file) => rulesInFile(file, byLogicalId)),
    ...functionEventRules(functions),
  ];
  // PutEvents cannot use an `aws.` source; the stand-ins deliver AWS service events themselves.
  return rules.filter(({ pattern }) => {
    const sources = Array.isArray(pattern.source) ? pattern.source : [];
    return !sources.every((source) => typeof source === 'string' && source.startsWith('aws.'));
  });
};

const wildcard = (pattern: string): RegExp =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

/** One element of a pattern's value list against one value (EventBridge's content filters we use). */
const matchesOne = (rule: unknown, value: unknown, present: boolean): boolean => {
  if (rule === null || typeof rule !== 'object') return present && value === rule;
  const [operator, operand] = Object.entries(rule as Record<string, unknown>)[0] ?? [];
  switch (operator) {
    case 'exists':
      return present === operand;
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(operand));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(operand));
    case 'wildcard':
      return typeof value === 'string' && wildcard(String(operand)).test(value);
    case 'anything-but':
      return present && !(Array.isArray(operand) ? operand : [operand]).includes(value);
    default:
      throw new Error(`event pattern operator ${String(operator)} is not supported locally`);
  }
};

/** EventBridge pattern matching: every field must match; a list matches when any element does. */
export const matchesPattern = (pattern: Record<string, unknown>, event: Record<string, unknown>): boolean =>
  Object.entries(pattern).every(([field, rule]) => {
    const present = Object.hasOwn(event, field);
    const value = event[field];
    if (Array.isArray(rule)) {
      const values = Array.isArray(value) ? value : [value];
      return rule.some((r) => values.some((v) => matchesOne(r, v, present)));
    }
    if (rule !== null && typeof rule === 'object') {
      return (
        typeof value === 'object' &&
        value !== null &&
        matchesPattern(rule as Record<string, unknown>, value as Record<string, unknown>)
      );
    }
    return false;
  });
