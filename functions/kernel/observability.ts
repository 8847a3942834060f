import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { parseOrThrow } from './parse';
import type * as z from './schema';
import { mapErrorStack } from './stack-traces';

export const logger = new Logger({ serviceName: 'labeling-pipeline' });
// Its own warnings (e.g. no metrics to publish) go through the logger, so the log level applies to them.
export const metrics = new Metrics({ namespace: 'LabelingPipeline', serviceName: 'labeling-pipeline', logger });

/** Adds the run id to every log line once the input is parsed. */
const tagRun = (input: unknown): void => {
  if (typeof input !== 'object' || input === null) return;
  const run = (input as { run?: { runId?: unknown } }).run;
  if (run && typeof run.runId === 'string') logger.appendKeys({ runId: run.runId });
};

const wrap = <I, O>(fn: (input: I, context: Context) => Promise<O>) =>
  middy<unknown, O, Error, Context>()
    // The run id is appended as `runId` by `tagRun` once the input is parsed; Powertools'
    // correlationIdPath would need the JMESPath package in every bundle for the same result.
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    // Registered last so it runs first on the way out: the error leaves with its frames mapped.
    .use({ onError: (request) => mapErrorStack(request.error) })
    .handler((event, context) => fn(event as I, context));

/**
 * The one wrapper for Step Functions task handlers: parse the input against its contract
 * (a mismatch becomes `InvalidInput`), tag logs with the run id, flush metrics.
 */
export const pipelineStep = <S extends z.core.$ZodType, O>(
  schema: S,
  step: (input: z.infer<S>, context: Context) => Promise<O>,
) =>
  wrap<unknown, O>(async (event, context) => {
    const input = parseOrThrow(schema, event, 'step input');
    tagRun(input);
    return step(input, context);
  });

/** The wrapper for event consumers: they parse (and may ignore) the event themselves. */
export const eventConsumer = <O>(consume: (event: unknown, context: Context) => Promise<O>) => wrap(consume);
