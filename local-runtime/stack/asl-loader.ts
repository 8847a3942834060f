import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const ASL_PATH = join(__dirname, '..', '..', 'statemachines', 'labeling-pipeline.asl.yml');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface LoadedStateMachine {
  /** The ASL with every `Fn::GetAtt: [fn, Arn]` replaced by a fake Lambda ARN. */
  definition: Record<string, Json>;
  /** Task state name -> serverless.yml function key, for every state (a Map's child states too) that invokes one of our Lambdas. */
  functionOfState: Record<string, string>;
  /** Names of the states that wait for a task token. */
  callbackStates: string[];
  /** Names of the Wait states, which local runs shorten. */
  waitStates: string[];
  /** Names of the states with a Retry field, whose pauses local runs shorten. */
  retriedStates: string[];
}

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The function key of a `{ Fn::GetAtt: [key, Arn] }` node, if it is one. */
const getAttFunction = (value: Json | undefined): string | undefined => {
  if (!isObject(value)) return undefined;
  const getAtt = value['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
};

const fakeLambdaArn = (functionKey: string): string =>
  `arn:aws:lambda:us-east-1:123456789012:function:labeling-pipeline-local-${functionKey}`;

/** Node timers hold at most 2^31-1 ms; longer ones fire after 1 ms (TimeoutOverflowWarning). */
const MAX_LOCAL_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

const replaceGetAtt = (value: Json): Json => {
  const fn = getAttFunction(value);
  if (fn !== undefined) return fakeLambdaArn(fn);
  if (Array.isArray(value)) return value.map(replaceGetAtt);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceGetAtt(v)]));
  return value;
};

type StateJson = { [key: string]: Json };

/** The states of a Map's ItemProcessor, if the state is a Map with one. */
const childStates = (state: StateJson): Record<string, StateJson> | undefined => {
  const processor = state.ItemProcessor;
  return isObject(processor) && isObject(processor.States)
    ? (processor.States as Record<string, StateJson>)
    : undefined;
};

/** The function key a Task invokes (bare Lambda ARN, or `Parameters.FunctionName`). */
const taskFunction = (state: StateJson): string | undefined => {
  if (state.Type !== 'Task') return undefined;
  const parameters = state.Parameters;
  return getAttFunction(state.Resource) ?? (isObject(parameters) ? getAttFunction(parameters.FunctionName) : undefined);
};

const isCallback = (state: StateJson): boolean =>
  state.Type === 'Task' && typeof state.Resource === 'string' && state.Resource.endsWith('.waitForTaskToken');

/**
 * Reads the real ASL file as the deployed stack would get it, minus CloudFormation: Lambda ARNs
 * become fake ones, and the states are mapped to the functions they invoke.
 */
type States = Record<string, StateJson>;
type Classified = Omit<LoadedStateMachine, 'definition'>;

/** Adds one level of states to `loaded`; a Map's child states (a Distributed Map's child workflow) invoke functions too. */
const classifyLevel = (states: States, nested: boolean, loaded: Classified): void => {
  for (const [name, state] of Object.entries(states)) {
    const children = childStates(state);
    if (children) classifyLevel(children, true, loaded);
    if (!nested && state.Type === 'Wait') loaded.waitStates.push(name);
    if (!nested && state.Retry !== undefined) loaded.retriedStates.push(name);
    const fn = taskFunction(state);
    if (fn !== undefined) loaded.functionOfState[name] = fn;
    if (isCallback(state)) loaded.callbackStates.push(name);
  }
};

/** The states by kind: what each Task invokes, which wait for a task token, which are Waits, which retry. */
const classifyStates = (states: States): Classified => {
  const loaded: Classified = { functionOfState: {}, callbackStates: [], waitStates: [], retriedStates: [] };
  classifyLevel(states, false, loaded);
  return loaded;
};

export const loadStateMachine = (path: string = ASL_PATH): LoadedStateMachine => {
  const raw = parse(readFileSync(path, 'utf8')) as { States: States };
  const definition = replaceGetAtt(raw as unknown as Json) as { States: States };
  // The local interpreter times Tasks with Node timers, so the 32-day callback timeout is capped
  // at ~24.8 days there; the deployed machine keeps the full value.
  for (const state of Object.values(definition.States)) {
    if (typeof state.TimeoutSeconds === 'number' && state.TimeoutSeconds > MAX_LOCAL_TIMEOUT_SECONDS) {
      state.TimeoutSeconds = MAX_LOCAL_TIMEOUT_SECONDS;
    }
  }
  return { definition: definition as unknown as Record<string, Json>, ...classifyStates(raw.States) };
};
