import { loadSettings } from '../../../kernel/config';
import { httpRoute } from '../aws/http-route';
import { openApiDocument } from '../contracts/openapi';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = ['ADMIN_GROUP'] as const;
const settings = loadSettings(SETTINGS);

/** `GET /api/openapi.json`: the document generated from the schemas the handlers validate with. */
export const handler = httpRoute('openapi', settings, async () => openApiDocument());
