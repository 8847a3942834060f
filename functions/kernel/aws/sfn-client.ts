import { SFNClient } from '@aws-sdk/client-sfn';
import { CLIENT_RETRIES } from './client-options';

/** Starts executions (run stage) and answers task tokens (labeling stage). */
export const sfn = new SFNClient(CLIENT_RETRIES);
