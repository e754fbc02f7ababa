import { CreateTableCommand, type DynamoDBClient, type StreamViewType } from '@aws-sdk/client-dynamodb';

/**
 * Creates a table keyed by the string attribute `keyName` with a stream of the given view type on
 * moto server, and returns its stream ARN.
 */
export async function createTableWithStream(
  dynamodb: DynamoDBClient,
  name: string,
  options: { viewType?: StreamViewType; keyName?: string } = {},
): Promise<string> {
  const keyName = options.keyName ?? 'id';
  const created = await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: keyName, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: keyName, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: options.viewType ?? 'NEW_AND_OLD_IMAGES' },
    }),
  );
  const arn = created.TableDescription?.LatestStreamArn;
  if (arn === undefined) throw new Error(`moto gave table ${name} no stream ARN`);
  return arn;
}
