// Quiet, deterministic Powertools and a fixed region for every test.
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_REGION = process.env.AWS_REGION ?? 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';
process.env.DATA_BUCKET = process.env.DATA_BUCKET ?? 'labeling-pipeline-test-data';
process.env.STATE_MACHINE_ARN =
  process.env.STATE_MACHINE_ARN ?? 'arn:aws:states:us-east-1:123456789012:stateMachine:labeling-pipeline-test';
process.env.LABELING_ROLE_ARN =
  process.env.LABELING_ROLE_ARN ?? 'arn:aws:iam::123456789012:role/labeling-pipeline-test-labeling';
process.env.WORKTEAM_ARN =
  process.env.WORKTEAM_ARN ?? 'arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/logo-labelers';
process.env.DEFAULT_LABELS = process.env.DEFAULT_LABELS ?? 'acme,globex,initech';
process.env.LABELING_TABLE = process.env.LABELING_TABLE ?? 'labeling-pipeline-test-labeling';
process.env.USER_POOL_ID = process.env.USER_POOL_ID ?? 'us-east-1_Test';
process.env.USER_POOL_CLIENT_ID = process.env.USER_POOL_CLIENT_ID ?? 'client-test';
