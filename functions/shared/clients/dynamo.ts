// One AWS SDK client, created once per Lambda container with default configuration: on AWS it
// reaches AWS; on the local stack the AWS_ENDPOINT_URL_* variables point it at a local endpoint.
// One module per client, so a function loads only the SDK packages it uses (cold start).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unlogged } from './unlogged.js';

export const dynamo = DynamoDBDocumentClient.from(unlogged(new DynamoDBClient({})), {
  marshallOptions: { removeUndefinedValues: true },
});
