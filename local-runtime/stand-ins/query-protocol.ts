import { randomUUID } from 'node:crypto';
import { ServiceError } from './json-protocol';

/**
 * What the local stand-ins share with the AWS Query protocol (STS, CloudFormation): a form-encoded
 * POST with `Action` and `Version`, answered with `<ActionResponse><ActionResult>...` XML; a
 * failure is an `<ErrorResponse>` whose `Code` the real SDK clients turn into their exception.
 */

export type QueryParams = Record<string, string>;
/** Nested values become elements; arrays become `<member>` lists, as the protocol encodes them. */
export type XmlValue = string | number | boolean | undefined | XmlValue[] | { [key: string]: XmlValue };
export type QueryOperation = (
  params: QueryParams,
) => Promise<{ [key: string]: XmlValue }> | { [key: string]: XmlValue };

/** One service: the API `Version` its SDK client sends, its XML namespace and operations. */
export interface QueryStandInService {
  version: string;
  xmlns: string;
  operations: Record<string, QueryOperation>;
}

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

const toXml = (value: XmlValue): string => {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([key, v]) => `<${key}>${toXml(v)}</${key}>`)
      .join('');
  }
  return escapeXml(String(value));
};

export interface QueryReply {
  status: number;
  body: string;
}

/** Answers one Query-protocol request body, or `undefined` when no service has its `Version`. */
export const answerQuery = async (services: QueryStandInService[], body: string): Promise<QueryReply | undefined> => {
  const params = Object.fromEntries(new URLSearchParams(body));
  const service = services.find((s) => s.version === params.Version);
  if (service === undefined) return undefined;
  const action = params.Action ?? '';
  const requestId = randomUUID();
  try {
    const operation = service.operations[action];
    if (operation === undefined) throw new ServiceError('InvalidAction', `${action} is not a valid action here`);
    const result = await operation(params);
    return {
      status: 200,
      body: `<${action}Response xmlns="${service.xmlns}"><${action}Result>${toXml(result)}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    };
  } catch (error) {
    const failure =
      error instanceof ServiceError ? error : new ServiceError('InternalFailure', (error as Error).message, 500);
    return {
      status: failure.statusCode,
      body: `<ErrorResponse xmlns="${service.xmlns}"><Error><Type>${failure.statusCode < 500 ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(failure.type)}</Code><Message>${escapeXml(failure.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
};
