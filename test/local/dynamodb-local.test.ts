import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalCheckFailedException, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  createBuiltinTables,
  type LocalDynamoDb,
  startDynamoDb,
  tableDefinitionsFrom,
} from '../../local-runtime/stand-ins/dynamodb-local';

const INFRA = `
Resources:
  LabelingTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub \${AWS::StackName}-labeling
      BillingMode: PAY_PER_REQUEST
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }
      KeySchema:
        - { AttributeName: pk, KeyType: HASH }
        - { AttributeName: sk, KeyType: RANGE }
      AttributeDefinitions:
        - { AttributeName: pk, AttributeType: S }
        - { AttributeName: sk, AttributeType: S }
        - { AttributeName: gsi1pk, AttributeType: S }
      GlobalSecondaryIndexes:
        - IndexName: byStatus
          KeySchema: [{ AttributeName: gsi1pk, KeyType: HASH }, { AttributeName: sk, KeyType: RANGE }]
          Projection: { ProjectionType: ALL }
  Other:
    Type: AWS::SNS::Topic
    Properties: { TopicName: !Ref AWS::StackName }
`;

describe('local DynamoDB (dynalite)', () => {
  let db: LocalDynamoDb;
  beforeAll(async () => {
    db = await startDynamoDb();
  });
  afterAll(() => db.stop());

  it('reads only the table resources of a CloudFormation file, short-form intrinsics included', () => {
    const tables = tableDefinitionsFrom(INFRA);
    expect(tables.map((t) => t.logicalId)).toEqual(['LabelingTable']);
    expect(tables[0]?.input.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('byStatus');
    expect(tables[0]?.input).not.toHaveProperty('PointInTimeRecoverySpecification');
  });

  it('rejects a table without a key schema', () => {
    expect(() =>
      tableDefinitionsFrom('Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties: {}\n'),
    ).toThrow('T: an AWS::DynamoDB::Table needs KeySchema and AttributeDefinitions');
  });

  it('creates the tables of the file under their local names; conditional writes and the index work', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'infra-')), 'builtin-labeling.yml');
    writeFileSync(file, INFRA);
    expect(await createBuiltinTables(db, { LabelingTable: 'local-labeling' }, file)).toEqual(['local-labeling']);
    const { Table } = await db.client.send(new DescribeTableCommand({ TableName: 'local-labeling' }));
    expect(Table?.TableStatus).toBe('ACTIVE');

    const doc = DynamoDBDocumentClient.from(db.client);
    await doc.send(
      new PutCommand({ TableName: 'local-labeling', Item: { pk: 'job#1', sk: 'img#0', gsi1pk: 'open', n: 0 } }),
    );
    const bump = () =>
      doc.send(
        new UpdateCommand({
          TableName: 'local-labeling',
          Key: { pk: 'job#1', sk: 'img#0' },
          UpdateExpression: 'SET answers.#s = :a ADD n :one',
          ConditionExpression: 'attribute_not_exists(answers.#s)',
          ExpressionAttributeNames: { '#s': 'user-1' },
          ExpressionAttributeValues: { ':a': { boxes: [] }, ':one': 1 },
        }),
      );
    await doc.send(
      new UpdateCommand({
        TableName: 'local-labeling',
        Key: { pk: 'job#1', sk: 'img#0' },
        UpdateExpression: 'SET answers = :empty',
        ExpressionAttributeValues: { ':empty': {} },
      }),
    );
    await bump();
    await expect(bump()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const byStatus = await doc.send(
      new QueryCommand({
        TableName: 'local-labeling',
        IndexName: 'byStatus',
        KeyConditionExpression: 'gsi1pk = :s',
        ExpressionAttributeValues: { ':s': 'open' },
      }),
    );
    expect(byStatus.Items).toEqual([expect.objectContaining({ sk: 'img#0', n: 1 })]);
  });

  it('creates nothing when the infra file does not exist', async () => {
    expect(await createBuiltinTables(db, {}, join(tmpdir(), 'no-such-builtin-labeling.yml'))).toEqual([]);
  });
});
