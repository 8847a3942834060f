import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CLIENT_RETRIES } from './client-options';

/** Publishes the pipeline's own events (run stage) and the built-in backend's ready events. */
export const eventBridge = new EventBridgeClient(CLIENT_RETRIES);
