// The clients every benchmark's floor issues its calls with, and the samples the lifecycle floor
// copies from a real run.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Email } from 'aws-ses-v2-local/dist/store.js';
import { unlogged } from '../functions/shared/clients/unlogged.js';

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

/**
 * Clients configured as the handlers' are (created after the stack set the endpoints), without the
 * SDK's logger middleware as theirs are (functions/shared/clients/unlogged.ts): the floor's calls
 * cost no more than the leanest client makes them.
 */
export function floorClients(): FloorClients {
  return {
    dynamo: DynamoDBDocumentClient.from(unlogged(new DynamoDBClient({})), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    ses: unlogged(new SESClient({})),
    s3: unlogged(new S3Client({ forcePathStyle: true })),
  };
}
