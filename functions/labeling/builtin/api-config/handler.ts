import { loadSettings } from '../../../kernel/config';
import { httpRoute } from '../aws/http-route';

/** The environment variables this function reads; a missing one fails the cold start. */
export const SETTINGS = [
  'AWS_REGION',
  'USER_POOL_ID',
  'USER_POOL_CLIENT_ID',
  'ADMIN_GROUP',
  'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
] as const;
const settings = loadSettings(SETTINGS);

/** `GET /api/config`: where the page signs in. Public: these ids are no secret. */
export const handler = httpRoute('config', settings, async () => ({
  region: settings.AWS_REGION,
  userPoolId: settings.USER_POOL_ID,
  userPoolClientId: settings.USER_POOL_CLIENT_ID,
  // Locally the SDK's own endpoint variable points at the Cognito stand-in.
  cognitoEndpoint:
    settings.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? `https://cognito-idp.${settings.AWS_REGION}.amazonaws.com/`,
}));
