import * as z from '../../../kernel/schema';
import { ErrorBody, ROUTES, type RouteSpec } from './api';

/**
 * The OpenAPI 3.1 document of the built-in labeling API, generated from the same zod schemas
 * the handlers validate with (zod 4's JSON Schema output is draft 2020-12, which OpenAPI 3.1
 * uses). `docs/labeling-api.yaml` is this document; a test keeps the two equal.
 */

type Json = Record<string, unknown>;

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is invalid; `error.field` names the field',
  401: 'No valid token',
  403: 'Not allowed for this caller',
  404: 'No such job or task',
  409: 'Conflicts with the task state (see `error.code`)',
  410: 'The job no longer takes work',
};

/** One schema as JSON Schema, its named parts moved into `components.schemas`. */
const convert = (schema: z.ZodMiniType, io: 'input' | 'output', components: Json): Json => {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  const defs = (out.$defs ?? {}) as Record<string, Json>;
  delete out.$defs;
  delete out.$schema;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : rewrite(v),
      ]),
    );
  };
  for (const [name, def] of Object.entries(defs)) components[name] = rewrite(def);
  return rewrite(out) as Json;
};

const parameters = (route: RouteSpec, components: Json): Json[] => {
  const of = (schema: z.ZodMiniObject | undefined, where: 'path' | 'query') =>
    Object.entries(schema?.shape ?? {}).map(([name, field]) => ({
      name,
      in: where,
      required: where === 'path' || !(field as z.ZodMiniType).safeParse(undefined).success,
      schema: convert(field as z.ZodMiniType, 'input', components),
    }));
  return [...of(route.params, 'path'), ...of(route.query, 'query')];
};

const operation = (name: string, route: RouteSpec, components: Json): Json => {
  const errors = Object.fromEntries(
    route.errors.map((status) => [
      String(status),
      {
        description: ERROR_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
  const params = parameters(route, components);
  return {
    operationId: name,
    summary: route.summary,
    ...(route.auth === 'none' ? { security: [] } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: convert(route.body, 'input', components) } },
          },
        }
      : {}),
    responses: {
      [String(route.status)]: {
        description: 'OK',
        content: { 'application/json': { schema: convert(route.response, 'output', components) } },
      },
      ...errors,
    },
  };
};

export const openApiDocument = (): Json => {
  const components: Json = {};
  convert(ErrorBody, 'output', components);
  const paths: Record<string, Json> = {};
  for (const [name, route] of Object.entries(ROUTES) as [string, RouteSpec][]) {
    paths[route.path] = {
      ...(paths[route.path] ?? {}),
      [route.method.toLowerCase()]: operation(name, route, components),
    };
  }
  const sorted = Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Labeling Pipeline: built-in labeling API',
      version: '1.0.0',
      description:
        'Labelers claim images, answer them with boxes, skip them; admins close jobs. Every request and answer is ' +
        'checked against these schemas. Send the Cognito ID token as `Authorization: Bearer <idToken>`.',
    },
    servers: [{ url: '/' }],
    security: [{ cognitoJwt: [] }],
    paths,
    components: {
      securitySchemes: { cognitoJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: sorted,
    },
  };
};
