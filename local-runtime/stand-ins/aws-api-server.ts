import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type JsonObject, ServiceError, type StandInService } from './json-protocol';
import { listenOnLoopback } from './loopback-server';
import { answerQuery, type QueryStandInService } from './query-protocol';

export interface ApiServerOptions {
  /** Answers browsers' preflight requests and adds CORS headers (Cognito's endpoint does). */
  cors?: boolean;
  /** JSON documents served on GET by path (a JWKS); `undefined` for paths it does not know. */
  documents?: (path: string) => unknown;
}

export interface RunningApiServer {
  /** `http://127.0.0.1:<port>`: the value for every `AWS_ENDPOINT_URL_<SERVICE>` it serves. */
  endpoint: string;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new ServiceError('SerializationException', 'request body too large', 413));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const send = (response: ServerResponse, status: number, jsonVersion: string, body: unknown): void => {
  const text = JSON.stringify(body ?? {});
  response.writeHead(status, {
    'content-type': `application/x-amz-json-${jsonVersion}`,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
};

const sendError = (response: ServerResponse, jsonVersion: string, error: ServiceError): void =>
  send(response, error.statusCode, jsonVersion, { __type: error.type, message: error.message });

/** CORS (answering preflights) and GET documents such as a JWKS; true when the request was answered. */
const answeredAsBrowserOrDocument = (
  request: IncomingMessage,
  response: ServerResponse,
  options: ApiServerOptions,
): boolean => {
  if (options.cors) {
    // What Cognito answers a browser: any origin, the headers the SDK sends.
    response.setHeader('access-control-allow-origin', '*');
    response.setHeader(
      'access-control-allow-headers',
      'content-type,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request,cache-control',
    );
    response.setHeader('access-control-allow-methods', 'POST,GET,OPTIONS');
    response.setHeader('access-control-max-age', '600');
    if (request.method === 'OPTIONS') {
      response.writeHead(204).end();
      return true;
    }
  }
  const document =
    request.method === 'GET' ? options.documents?.(new URL(request.url ?? '/', 'http://local').pathname) : undefined;
  if (document === undefined) return false;
  const text = JSON.stringify(document);
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
  return true;
};

/** Parses a JSON-protocol request body, runs the operation and sends its answer or its error. */
const answerJson = async (
  request: IncomingMessage,
  response: ServerResponse,
  call: { version: string; operation: (input: JsonObject) => Promise<unknown> | unknown; name: string },
): Promise<void> => {
  const { version, operation, name } = call;
  try {
    const text = await readBody(request);
    let input: unknown;
    try {
      input = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new ServiceError('SerializationException', 'request body is not JSON');
    }
    const output = await operation((input ?? {}) as JsonObject);
    send(response, 200, version, output);
  } catch (error) {
    if (error instanceof ServiceError) sendError(response, version, error);
    else {
      process.stderr.write(`local ${name} failed: ${(error as Error).stack ?? String(error)}\n`);
      sendError(response, version, new ServiceError('InternalFailure', (error as Error).message, 500));
    }
  }
};

/**
 * One loopback HTTP server for the AWS JSON-protocol APIs the pipeline calls: POST `/` with an
 * `X-Amz-Target: <prefix>.<Operation>` header, routed to the stand-in service that owns the
 * prefix. Errors are HTTP 4xx with `{"__type","message"}`, so the real SDK clients raise their
 * own exception classes; an unexpected stand-in failure is a 500 (`InternalFailure`), which the
 * SDK retries like a real service fault.
 */
export const startAwsApiServer = async (
  services: StandInService[],
  queryServices: QueryStandInService[] = [],
  options: ApiServerOptions = {},
): Promise<RunningApiServer> => {
  const byPrefix = new Map(services.map((s) => [s.targetPrefix, s]));

  /** Query-protocol requests (STS, CloudFormation) are form-encoded, with no X-Amz-Target. */
  const handleQuery = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const reply = (await answerQuery(queryServices, await readBody(request))) ?? {
      status: 400,
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>no local service has this API version</Message></Error></ErrorResponse>',
    };
    response.writeHead(reply.status, {
      'content-type': 'text/xml',
      'content-length': Buffer.byteLength(reply.body),
      'x-amzn-requestid': randomUUID(),
    });
    response.end(reply.body);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (answeredAsBrowserOrDocument(request, response, options)) return;
    if (String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      await handleQuery(request, response);
      return;
    }
    const target = request.headers['x-amz-target'];
    const [prefix, operationName] = typeof target === 'string' ? target.split('.') : [];
    const service = prefix === undefined ? undefined : byPrefix.get(prefix);
    const version = service?.jsonVersion ?? '1.1';
    if (request.method !== 'POST' || service === undefined || operationName === undefined) {
      await readBody(request).catch(() => '');
      sendError(response, version, new ServiceError('UnknownOperationException', `unknown target ${String(target)}`));
      return;
    }
    const operation = service.operations[operationName];
    if (operation === undefined) {
      sendError(response, version, new ServiceError('UnknownOperationException', `${prefix} has no ${operationName}`));
      return;
    }
    await answerJson(request, response, { version, operation, name: `${prefix}.${operationName}` });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, '1.1', new ServiceError('InternalFailure', String(error), 500));
    });
  });
  return listenOnLoopback(server);
};
