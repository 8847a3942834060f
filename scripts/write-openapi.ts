// `npm run docs:api`: writes docs/labeling-api.yaml from the API's zod schemas (test/labeling/builtin/openapi.test.ts checks it).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { openApiDocument } from '../functions/labeling/builtin/contracts/openapi';

export const OPENAPI_HEADER =
  '# Generated from functions/labeling/builtin/contracts/api.ts by `npm run docs:api`; do not edit.\n';

writeFileSync(join(__dirname, '..', 'docs', 'labeling-api.yaml'), OPENAPI_HEADER + stringify(openApiDocument()));
