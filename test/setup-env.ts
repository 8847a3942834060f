import { applyLocalSettings } from '../local-runtime/stack/local-environment';

// Quiet, deterministic Powertools, dummy credentials, and the local runtime's settings for every test.
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
applyLocalSettings();
