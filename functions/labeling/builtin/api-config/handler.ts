import { config, requireSetting } from '../../../kernel/config';
import { httpRoute } from '../aws/http-route';

/** `GET /api/config`: where the page signs in. Public: these ids are no secret. */
export const handler = httpRoute('config', async () => {
  const region = requireSetting('AWS_REGION');
  return {
    region,
    userPoolId: requireSetting('USER_POOL_ID'),
    userPoolClientId: requireSetting('USER_POOL_CLIENT_ID'),
    cognitoEndpoint:
      config.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ?? `https://cognito-idp.${region}.amazonaws.com/`,
  };
});
