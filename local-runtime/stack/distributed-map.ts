import { randomUUID } from 'node:crypto';
import { PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { ACCOUNT_ID, REGION } from '../stand-ins/json-protocol';

/**
 * A Distributed Map state run locally: aws-local-stepfunctions runs inline Map states only and
 * ignores ItemReader, ItemBatcher and ResultWriter (as of aws-local-stepfunctions 3). The runtime turns each
 * DISTRIBUTED Map of the ASL into a Task whose local handler is `runDistributedMap`, so the
 * Map's ResultPath, Retry and Catch still apply as the interpreter runs them. Supported: an S3
 * ListObjectsV2 ItemReader, ItemBatcher (MaxItemsPerBatch, MaxInputBytesPerBatch, BatchInput),
 * MaxConcurrency, ToleratedFailurePercentage/Count (or their `Path` forms), an S3 ResultWriter
 * with WriterConfig. Payload templates take `$`-rooted dot paths, which is all our ASL uses.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type TaskHandler = (input: Json) => Promise<Json>;

export interface DistributedMapContext {
  stateName: string;
  /** The parent's state machine name, for the Map Run ARN. */
  stateMachineName: string;
  s3: () => S3Client;
  /** Local handlers of the child states' Tasks, by state name (the runtime's own). */
  taskHandlers: Record<string, TaskHandler>;
  retryIntervalMs: number;
  /** Aborted with the parent execution: no child starts after it, running ones are aborted. */
  signal: AbortSignal;
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether an ASL state is a Distributed Map. */
export const isDistributedMap = (state: JsonObject): boolean => {
  const processor = state.ItemProcessor;
  return (
    state.Type === 'Map' &&
    isObject(processor) &&
    isObject(processor.ProcessorConfig) &&
    processor.ProcessorConfig.Mode === 'DISTRIBUTED'
  );
};

/** Reads a `$`-rooted path (`$`, `$.a.b`); anything else is refused, naming the path. */
export const readPath = (input: Json, path: string): Json => {
  if (!/^\$(\.[A-Za-z_][\w-]*)*$/.test(path)) throw new Error(`local Distributed Map: unsupported path ${path}`);
  let value: Json | undefined = input;
  for (const part of path.split('.').slice(1)) value = isObject(value) ? value[part] : undefined;
  if (value === undefined) {
    throw Object.assign(new Error(`Invalid path '${path}': no such field in the input`), { name: 'States.Runtime' });
  }
  return value;
};

/** Evaluates a JSONPath payload template (`key.$: path` entries) against the input. */
export const evaluateTemplate = (template: Json | undefined, input: Json): Json => {
  if (!isObject(template)) return template ?? null;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') out[key.slice(0, -2)] = readPath(input, value);
    else out[key] = isObject(value) ? evaluateTemplate(value, input) : value;
  }
  return out;
};

/** A numeric field given directly or through its `Path` form (`MaxConcurrency`/`MaxConcurrencyPath`). */
const numberField = (state: JsonObject | undefined, name: string, input: Json): number | undefined => {
  if (state === undefined) return undefined;
  const direct = state[name];
  if (typeof direct === 'number') return direct;
  const path = state[`${name}Path`];
  if (typeof path !== 'string') return undefined;
  const value = readPath(input, path);
  if (typeof value !== 'number') throw new Error(`${name}Path ${path} is not a number`);
  return value;
};

/** ItemReader `arn:aws:states:::s3:listObjectsV2`: the objects in the shape children get them. */
const readItems = async (state: JsonObject, input: Json, s3: S3Client): Promise<Json[]> => {
  const reader = state.ItemReader;
  if (!isObject(reader) || reader.Resource !== 'arn:aws:states:::s3:listObjectsV2') {
    throw new Error('local Distributed Map: only an S3 listObjectsV2 ItemReader is supported');
  }
  const { Bucket, Prefix } = evaluateTemplate(reader.Parameters, input) as { Bucket: string; Prefix?: string };
  const items: Json[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket, Prefix })) {
    for (const o of page.Contents ?? []) {
      items.push({
        Etag: o.ETag ?? '',
        Key: o.Key ?? '',
        LastModified: Math.floor((o.LastModified?.getTime() ?? 0) / 1000),
        Size: o.Size ?? 0,
        StorageClass: o.StorageClass ?? 'STANDARD',
      });
    }
  }
  return items;
};

/** ItemBatcher: consecutive items, at most MaxItemsPerBatch and MaxInputBytesPerBatch per child input. */
export const batchItems = (items: readonly Json[], batcher: JsonObject | undefined, input: Json): Json[] => {
  if (batcher === undefined) return [...items];
  const maxItems = numberField(batcher, 'MaxItemsPerBatch', input) ?? Number.POSITIVE_INFINITY;
  const maxBytes = numberField(batcher, 'MaxInputBytesPerBatch', input) ?? 262_144;
  const batchInput = batcher.BatchInput === undefined ? undefined : evaluateTemplate(batcher.BatchInput, input);
  const base = Buffer.byteLength(
    JSON.stringify({ Items: [], ...(batchInput === undefined ? {} : { BatchInput: batchInput }) }),
  );
  const batches: Json[] = [];
  let current: Json[] = [];
  let bytes = base;
  const flush = () => {
    if (current.length > 0)
      batches.push({ Items: current, ...(batchInput === undefined ? {} : { BatchInput: batchInput }) });
    current = [];
    bytes = base;
  };
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (current.length >= maxItems || (current.length > 0 && bytes + size > maxBytes)) flush();
    current.push(item);
    bytes += size;
  }
  flush();
  return batches;
};

export interface ChildRun {
  name: string;
  input: Json;
  status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  output?: Json;
  error?: string;
  cause?: string;
  startDate?: Date;
  stopDate?: Date;
}

const childMachine = (state: JsonObject): StateMachine => {
  const { ProcessorConfig: _config, ...processor } = state.ItemProcessor as JsonObject;
  return new StateMachine(processor as unknown as StateMachineDefinition, { validationOptions: { checkArn: false } });
};

const runChild = async (machine: StateMachine, child: ChildRun, ctx: DistributedMapContext, retried: string[]) => {
  const options: RunOptions = {
    overrides: {
      taskResourceLocalHandlers: ctx.taskHandlers,
      retryIntervalOverrides: Object.fromEntries(retried.map((name) => [name, ctx.retryIntervalMs])),
    },
  };
  child.startDate = new Date();
  const execution = machine.run(child.input, options);
  const abort = () => execution.abort();
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    child.output = (await execution.result) as Json;
    child.status = 'SUCCEEDED';
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    child.status = 'FAILED';
    child.error = cause instanceof Error ? cause.name : 'States.TaskFailed';
    child.cause = cause instanceof Error ? cause.message : String(cause);
  } finally {
    child.stopDate = new Date();
    ctx.signal.removeEventListener('abort', abort);
  }
};

interface Tolerance {
  percentage: number;
  count: number;
}

/** Whether the failed children exceed what the Map tolerates (percentage of items, or a count). */
const exceeds = (children: readonly ChildRun[], tolerance: Tolerance): boolean => {
  const failed = children.filter((c) => c.status === 'FAILED').length;
  return failed > tolerance.count && (failed / Math.max(1, children.length)) * 100 > tolerance.percentage;
};

/** Runs the children, `concurrency` at a time; none starts once the tolerance is exceeded or the parent aborted. */
const runChildren = async (
  state: JsonObject,
  children: ChildRun[],
  ctx: DistributedMapContext,
  limits: Tolerance & { concurrency: number },
) => {
  const machine = childMachine(state);
  const retried = Object.entries((state.ItemProcessor as { States: Record<string, JsonObject> }).States)
    .filter(([, s]) => s.Retry !== undefined)
    .map(([name]) => name);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < children.length && !ctx.signal.aborted && !exceeds(children, limits)) {
      const child = children[next++] as ChildRun;
      await runChild(machine, child, ctx, retried);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limits.concurrency, children.length)) }, worker));
};

/** One child as ResultWriter writes it untransformed (`Transformation: NONE`, and every failed child). */
const fullRecord = (child: ChildRun, mapRunArn: string): Json => ({
  ExecutionArn: `${mapRunArn.replace(':mapRun:', ':execution:')}:${child.name}`,
  Input: JSON.stringify(child.input),
  InputDetails: { Included: true },
  Name: child.name,
  ...(child.output === undefined ? {} : { Output: JSON.stringify(child.output), OutputDetails: { Included: true } }),
  ...(child.error === undefined ? {} : { Error: child.error, Cause: child.cause ?? '' }),
  StartDate: child.startDate?.toISOString() ?? null,
  StateMachineArn: mapRunArn,
  Status: child.status,
  StopDate: child.stopDate?.toISOString() ?? null,
});

const recordsOf = (
  children: readonly ChildRun[],
  status: ChildRun['status'],
  transformation: string,
  mapRunArn: string,
): Json[] => {
  const selected = children.filter((c) => c.status === status);
  if (status !== 'SUCCEEDED' || transformation === 'NONE') return selected.map((c) => fullRecord(c, mapRunArn));
  if (transformation === 'FLATTEN')
    return selected.flatMap((c) => (Array.isArray(c.output) ? c.output : [c.output ?? null]));
  return selected.map((c) => c.output ?? null);
};

/**
 * ResultWriter: `<Prefix>/<map run id>/manifest.json` and one file per child status holding
 * children (`SUCCEEDED_0`, `FAILED_0`, `PENDING_0`; JSON array, or JSON Lines with
 * `OutputType: JSONL`), the layout the Developer Guide's `input-output-resultwriter` describes.
 */
const writeResults = async (
  writer: JsonObject,
  input: Json,
  children: readonly ChildRun[],
  run: { id: string; arn: string },
  s3: S3Client,
) => {
  const { Bucket, Prefix } = evaluateTemplate(writer.Parameters, input) as { Bucket: string; Prefix?: string };
  const config = isObject(writer.WriterConfig) ? writer.WriterConfig : {};
  const transformation = typeof config.Transformation === 'string' ? config.Transformation : 'NONE';
  const jsonLines = config.OutputType === 'JSONL';
  const folder = `${(Prefix ?? '').replace(/\/+$/, '')}/${run.id}/`.replace(/^\//, '');
  const files: Record<string, { Key: string; Size: number }[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const status of ['SUCCEEDED', 'FAILED', 'PENDING'] as const) {
    const records = recordsOf(children, status, transformation, run.arn);
    if (records.length === 0) continue;
    const body = jsonLines ? records.map((r) => `${JSON.stringify(r)}\n`).join('') : JSON.stringify(records);
    const Key = `${folder}${status}_0.${jsonLines ? 'jsonl' : 'json'}`;
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType: 'application/json' }));
    files[status]?.push({ Key, Size: Buffer.byteLength(body) });
  }
  const manifest = { DestinationBucket: Bucket, MapRunArn: run.arn, ResultFiles: files };
  const Key = `${folder}manifest.json`;
  await s3.send(new PutObjectCommand({ Bucket, Key, Body: JSON.stringify(manifest), ContentType: 'application/json' }));
  return { Bucket, Key };
};

const toleranceOf = (state: JsonObject, input: Json): Tolerance => ({
  percentage: numberField(state, 'ToleratedFailurePercentage', input) ?? 0,
  count: numberField(state, 'ToleratedFailureCount', input) ?? 0,
});

/** What a finished map run reports to its listeners (the local summary's "in N batches"). */
export interface MapRunReport {
  stateName: string;
  children: number;
  failed: number;
}

/**
 * Runs a Distributed Map state on its effective input and returns what Step Functions returns:
 * `{ MapRunArn, ResultWriterDetails }` with a ResultWriter, else the children's outputs. Fails
 * with `States.ExceedToleratedFailureThreshold` when too many children failed (after writing the
 * results, as Step Functions does).
 */
export const runDistributedMap = async (
  state: JsonObject,
  input: Json,
  ctx: DistributedMapContext,
  onDone?: (report: MapRunReport) => void,
): Promise<Json> => {
  const s3 = ctx.s3();
  const batches = batchItems(
    await readItems(state, input, s3),
    isObject(state.ItemBatcher) ? state.ItemBatcher : undefined,
    input,
  );
  const children: ChildRun[] = batches.map((batch) => ({ name: randomUUID(), input: batch, status: 'PENDING' }));
  const tolerance = toleranceOf(state, input);
  const concurrency = numberField(state, 'MaxConcurrency', input) || 1000;
  await runChildren(state, children, ctx, { ...tolerance, concurrency });
  const id = randomUUID();
  const label = typeof state.Label === 'string' ? state.Label : ctx.stateName;
  const arn = `arn:aws:states:${REGION}:${ACCOUNT_ID}:mapRun:${ctx.stateMachineName}/${label}:${id}`;
  const writer = isObject(state.ResultWriter) ? state.ResultWriter : undefined;
  const details = writer === undefined ? undefined : await writeResults(writer, input, children, { id, arn }, s3);
  const failed = children.filter((c) => c.status === 'FAILED');
  onDone?.({ stateName: ctx.stateName, children: children.length, failed: failed.length });
  if (exceeds(children, tolerance)) {
    const cause = `${failed.length} of ${children.length} child executions failed (first: ${failed[0]?.error}: ${failed[0]?.cause})`;
    throw Object.assign(new Error(cause), { name: 'States.ExceedToleratedFailureThreshold' });
  }
  if (ctx.signal.aborted) throw Object.assign(new Error('execution aborted'), { name: 'States.Aborted' });
  return details === undefined
    ? children.map((c) => c.output ?? null)
    : { MapRunArn: arn, ResultWriterDetails: details };
};

/**
 * The definition the interpreter runs: every Distributed Map becomes a Task with a local resource,
 * keeping the Map's InputPath, ResultSelector, ResultPath, OutputPath, Retry, Catch and transition.
 */
export const replaceDistributedMaps = (definition: {
  States: Record<string, JsonObject>;
}): Record<string, JsonObject> => {
  const maps: Record<string, JsonObject> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (!isDistributedMap(state)) continue;
    maps[name] = state;
    const kept = [
      'Comment',
      'InputPath',
      'ResultSelector',
      'ResultPath',
      'OutputPath',
      'Retry',
      'Catch',
      'Next',
      'End',
    ];
    const task: JsonObject = { Type: 'Task', Resource: `arn:aws:states:::local:distributedMap:${name}` };
    for (const key of kept) if (state[key] !== undefined) task[key] = state[key] as Json;
    definition.States[name] = task;
  }
  return maps;
};
