// The clients every benchmark's floor issues its calls with, and the samples the lifecycle floor
// copies from a real run.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Email } from 'aws-ses-v2-local/dist/store.js';

/** What a real run stored and sent, copied by the floor with fresh keys. */
export interface FloorSamples {
  proposal: Record<string, unknown>;
  consultees: Record<string, unknown>[];
  reply: Record<string, unknown>;
  review: Record<string, unknown>;
  decision: Record<string, unknown>;
  /** The approved proposal's entry on the public register. */
  register: Record<string, unknown>;
  letter: Email;
  reviewRequest: Email;
  outcome: Email;
  raw: Buffer;
}

export interface FloorClients {
  dynamo: DynamoDBDocumentClient;
  ses: SESClient;
  s3: S3Client;
}

/** Clients with the handlers' default configuration (created after the stack set the endpoints). */
export function floorClients(): FloorClients {
  return {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    ses: new SESClient({}),
    s3: new S3Client({ forcePathStyle: true }),
  };
}
