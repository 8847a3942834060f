import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { READY_DETAIL_TYPE, READY_SOURCE } from '../../functions/labeling/builtin/contracts/ready-event';
import { JOBS_PK, type JobItem, jobKey, TABLE_INDEXES } from '../../functions/labeling/builtin/contracts/table-items';
import { AWS_SETUP_HELP, explainAwsError, resolveAwsSetup } from '../aws-setup';
import { regionOption } from '../region-name';
import { builtinOutputs } from './labelers';

export interface JobLine {
  jobId: string;
  status: string;
  imagesComplete: number;
  imageCount: number;
  answersReceived: number;
  answersNeeded: number;
  expiresAt: string;
  labelerGroup?: string;
}

/** The built-in jobs, newest first; open ones only unless `all`. */
export const listJobs = async (documents: DynamoDBDocumentClient, table: string, all = false): Promise<JobLine[]> => {
  const jobs: JobLine[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: table,
        IndexName: TABLE_INDEXES.jobs,
        KeyConditionExpression: 'jobsPk = :jobs',
        ExpressionAttributeValues: { ':jobs': JOBS_PK },
        ScanIndexForward: false,
        ExclusiveStartKey,
      }),
    );
    for (const job of (page.Items ?? []) as JobItem[]) {
      if (!all && job.status !== 'open') continue;
      jobs.push({
        jobId: job.jobId,
        status: job.status,
        imagesComplete: job.imagesComplete,
        imageCount: job.imageCount,
        answersReceived: job.answersReceived,
        answersNeeded: job.imageCount * job.workersPerObject,
        expiresAt: job.expiresAt,
        ...(job.labelerGroup ? { labelerGroup: job.labelerGroup } : {}),
      });
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return jobs;
};

const percent = (done: number, of: number): string => (of === 0 ? '0%' : `${Math.floor((100 * done) / of)}%`);

export const formatJobs = (jobs: JobLine[]): string =>
  jobs.length === 0
    ? 'no open built-in jobs'
    : jobs
        .map(
          (j) =>
            `${j.jobId}  ${j.status}  images ${j.imagesComplete}/${j.imageCount}  answers ${j.answersReceived}/${j.answersNeeded} (${percent(j.answersReceived, j.answersNeeded)})  expires ${j.expiresAt}${j.labelerGroup ? `  group ${j.labelerGroup}` : ''}`,
        )
        .join('\n');

/** Ends an open job now: the same request an admin's Close sends; finalization writes what was answered. */
export const closeJob = async (
  documents: DynamoDBDocumentClient,
  events: EventBridgeClient,
  table: string,
  jobId: string,
): Promise<void> => {
  const { Item } = await documents.send(new GetCommand({ TableName: table, Key: jobKey(jobId), ConsistentRead: true }));
  const job = Item as JobItem | undefined;
  if (job === undefined) throw new Error(`no built-in job ${jobId}; see \`labeling-pipeline jobs\``);
  if (job.status !== 'open') throw new Error(`job ${jobId} is already ${job.status}`);
  const out = await events.send(
    new PutEventsCommand({
      Entries: [
        { Source: READY_SOURCE, DetailType: READY_DETAIL_TYPE, Detail: JSON.stringify({ jobId, reason: 'closed' }) },
      ],
    }),
  );
  if ((out.FailedEntryCount ?? 0) > 0)
    throw new Error(`EventBridge refused the close request: ${out.Entries?.[0]?.ErrorCode}`);
};

interface StackOptions {
  stage: string;
  region?: string;
}

/** The labeling table's name and the clients, in the region `--region` (or the environment) names. */
const connect = async (options: StackOptions) => {
  const setup = await resolveAwsSetup(options.region);
  const outputs = await builtinOutputs(new CloudFormationClient(setup), options.stage).catch((error: unknown) => {
    throw explainAwsError(error);
  });
  return {
    table: outputs.tableName(),
    documents: DynamoDBDocumentClient.from(new DynamoDBClient(setup)),
    events: new EventBridgeClient(setup),
  };
};

export const registerJobs = (program: Command): void => {
  const jobs = program.command('jobs').description("the built-in backend's labeling jobs");
  jobs
    .command('list', { isDefault: true })
    .description('open jobs with their progress')
    .option('--stage <stage>', 'stack stage', 'dev')
    .addOption(regionOption())
    .option('--all', 'include ended jobs')
    .action(async (options: StackOptions & { all?: boolean }) => {
      const { table, documents } = await connect(options);
      process.stdout.write(`${formatJobs(await listJobs(documents, table, options.all))}\n`);
    });
  jobs
    .command('close')
    .description('end a job now and finalize what was answered')
    .argument('<job>')
    .option('--stage <stage>', 'stack stage', 'dev')
    .addOption(regionOption())
    .action(async (jobId: string, options: StackOptions) => {
      const { table, documents, events } = await connect(options);
      await closeJob(documents, events, table, jobId);
      process.stdout.write(`closing ${jobId}: the run resumes once its output is written\n`);
    });
  for (const command of jobs.commands) command.addHelpText('after', AWS_SETUP_HELP);
};
