import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { parseCloudFormation } from './cfn-yaml';

/** The CloudFormation file that defines the built-in backend's table (the one source of truth). */
export const BUILTIN_INFRA_FILE = join(__dirname, '..', '..', 'infra', 'builtin-labeling.yml');

export interface TableDefinition {
  /** CloudFormation logical id (`LabelingTable`). */
  logicalId: string;
  input: Omit<CreateTableCommandInput, 'TableName'>;
}

type CfnTable = {
  Type?: string;
  Properties?: {
    KeySchema?: CreateTableCommandInput['KeySchema'];
    AttributeDefinitions?: CreateTableCommandInput['AttributeDefinitions'];
    GlobalSecondaryIndexes?: { IndexName: string; KeySchema: unknown; Projection: unknown }[];
    LocalSecondaryIndexes?: { IndexName: string; KeySchema: unknown; Projection: unknown }[];
  };
};

/**
 * The `AWS::DynamoDB::Table` resources of a CloudFormation/serverless `resources` file: key
 * schema, attributes and indexes as CreateTable takes them. Intrinsic functions (`!Sub`, ...)
 * elsewhere in the file parse as plain values; only the table shapes are read. Billing is on
 * demand locally whatever the file says (dynalite ignores capacity).
 */
export const tableDefinitionsFrom = (yamlText: string): TableDefinition[] => {
  const document = parseCloudFormation(yamlText) as {
    Resources?: Record<string, CfnTable>;
    resources?: { Resources?: Record<string, CfnTable> };
  } | null;
  const resources = document?.Resources ?? document?.resources?.Resources ?? {};
  return Object.entries(resources)
    .filter(([, resource]) => resource?.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => {
      const p = resource.Properties ?? {};
      if (!p.KeySchema || !p.AttributeDefinitions) {
        throw new Error(`${logicalId}: an AWS::DynamoDB::Table needs KeySchema and AttributeDefinitions`);
      }
      const index = (i: { IndexName: string; KeySchema: unknown; Projection: unknown }) => ({
        IndexName: i.IndexName,
        KeySchema: i.KeySchema,
        Projection: i.Projection,
      });
      const input = {
        KeySchema: p.KeySchema,
        AttributeDefinitions: p.AttributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
        ...(p.GlobalSecondaryIndexes?.length ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes.map(index) } : {}),
        ...(p.LocalSecondaryIndexes?.length ? { LocalSecondaryIndexes: p.LocalSecondaryIndexes.map(index) } : {}),
      } as Omit<CreateTableCommandInput, 'TableName'>;
      return { logicalId, input };
    });
};

export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>`: the value of `AWS_ENDPOINT_URL_DYNAMODB`. */
  endpoint: string;
  client: DynamoDBClient;
  /** Creates a table (ACTIVE on return). */
  createTable(tableName: string, definition: TableDefinition): Promise<void>;
  stop(): Promise<void>;
}

const dynalite = require('dynalite') as (options: {
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
  path?: string;
}) => Server;

/**
 * dynalite (DynamoDB's wire protocol on LevelDB, in memory unless `path` is given) on a loopback
 * port the OS picks. Tables become ACTIVE at once. It has no TransactWriteItems and no streams:
 * the built-in backend uses single-item conditional writes only (builtin-spec.md).
 */
export const startDynamoDb = async (options: { path?: string } = {}): Promise<LocalDynamoDb> => {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    client,
    async createTable(tableName, definition) {
      await client.send(new CreateTableCommand({ ...definition.input, TableName: tableName }));
      for (let attempt = 0; attempt < 100; attempt += 1) {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
        if (Table?.TableStatus === 'ACTIVE') return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`local table ${tableName} did not become ACTIVE`);
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        client.destroy();
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      return stopped;
    },
  };
};

/**
 * Creates the tables of infra/builtin-labeling.yml, each under the name its handlers read from
 * the environment (`LABELING_TABLE` for `LabelingTable`). Returns the created names; none when
 * the file does not exist (a tree without the built-in backend).
 */
export const createBuiltinTables = async (
  db: LocalDynamoDb,
  tableNames: Record<string, string>,
  file = BUILTIN_INFRA_FILE,
): Promise<string[]> => {
  if (!existsSync(file)) return [];
  const created: string[] = [];
  for (const definition of tableDefinitionsFrom(readFileSync(file, 'utf8'))) {
    const name = tableNames[definition.logicalId];
    if (name === undefined) throw new Error(`${file}: no local table name for ${definition.logicalId}`);
    await db.createTable(name, definition);
    created.push(name);
  }
  return created;
};
