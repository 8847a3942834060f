import { parse } from 'yaml';

/**
 * CloudFormation's short-form intrinsics (`!Sub`, `!GetAtt A.Arn`, ...) read as their long form
 * (`{ 'Fn::Sub': ... }`, `{ 'Fn::GetAtt': ['A', 'Arn'] }`), so a template parses as CloudFormation sees it.
 */
const NAMES = [
  'Ref',
  'Sub',
  'GetAtt',
  'Join',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'Select',
  'Split',
  'FindInMap',
  'ImportValue',
  'Condition',
  'Base64',
  'Cidr',
  'GetAZs',
];

const longForm = (name: string, value: unknown): Record<string, unknown> => {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
};

const TAGS = NAMES.flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => longForm(name, value) },
  // biome-ignore lint/suspicious/noExplicitAny: yaml's collection nodes convert through toJSON.
  { tag: `!${name}`, collection: 'seq' as const, resolve: (value: any) => longForm(name, value.toJSON()) },
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  { tag: `!${name}`, collection: 'map' as const, resolve: (value: any) => longForm(name, value.toJSON()) },
]);

/** Parses a CloudFormation (or serverless `resources`) YAML file. */
export const parseCloudFormation = (text: string): unknown => parse(text, { customTags: TAGS, logLevel: 'error' });
