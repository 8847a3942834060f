import { httpRoute } from '../aws/http-route';
import { openApiDocument } from '../contracts/openapi';

/** `GET /api/openapi.json`: the document generated from the schemas the handlers validate with. */
export const handler = httpRoute('openapi', async () => openApiDocument());
