// AWS SDK clients, created once per Lambda container with default configuration: on AWS they
// reach AWS; on the local stack the AWS_ENDPOINT_URL_* variables point them at local endpoints.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
export const s3 = new S3Client({});
export const ses = new SESClient({});
export const sfn = new SFNClient({});
