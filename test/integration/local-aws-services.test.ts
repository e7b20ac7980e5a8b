// The local DynamoDB, S3 and SES, real and on free ports, driven by the AWS SDK clients (configured
// only through AWS_ENDPOINT_URL_*) and the AWS CLI; then restarted on the same data directory.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConditionalCheckFailedException, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../functions/shared/config.js';
import { type LocalConfig, resolveLocalConfig, sdkEnvironment } from '../../local/config.js';
import { DataDirLockedError, ensureTable, startDynamoDb } from '../../local/dynamodb.js';
import { localS3ClientConfig, startS3 } from '../../local/s3.js';
import { PortInUseError, type RunningService } from '../../local/service.js';
import { startSes } from '../../local/ses.js';

const host = '127.0.0.1';
const table = DEFAULTS.tableName;
const buckets = [DEFAULTS.rawMailBucket, DEFAULTS.evidenceBucket];

interface Stack {
  config: LocalConfig;
  services: RunningService[];
  dynamo: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  s3: S3Client;
  ses: SESClient;
  sesUrl: string;
}

interface StoredMail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

const savedEnv = { ...process.env };
let dataDir: string;
let stack: Stack | undefined;

/** Starts the three services on free ports and points the SDK at them through the environment alone. */
async function startStack(): Promise<Stack> {
  const dynamodb = await startDynamoDb({ host, port: 0, dataDir });
  const s3 = await startS3({ host, port: 0, dataDir, buckets });
  const ses = await startSes({ host, port: 0, dataDir });
  const config = resolveLocalConfig(
    {},
    { dataDir, ports: { dynamodb: port(dynamodb), s3: port(s3), ses: port(ses) } },
  );
  Object.assign(process.env, sdkEnvironment(config));
  // Clients read the endpoint variables when they are built, so build them after.
  const dynamo = new DynamoDBClient({});
  return {
    config,
    services: [dynamodb, s3, ses],
    dynamo,
    documents: DynamoDBDocumentClient.from(dynamo),
    s3: new S3Client(localS3ClientConfig()),
    ses: new SESClient({}),
    sesUrl: ses.url,
  };
}

async function stopStack(current: Stack): Promise<void> {
  for (const client of [current.dynamo, current.s3, current.ses]) client.destroy();
  await Promise.all(current.services.map((service) => service.close()));
}

const port = (service: RunningService): number => Number(new URL(service.url).port);
const started = (): Stack => {
  if (!stack) throw new Error('the stack is not running');
  return stack;
};

async function sentMail(sesUrl: string): Promise<StoredMail[]> {
  const response = await fetch(`${sesUrl}/store`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { emails: StoredMail[] }).emails;
}

async function getBytes(s3: S3Client, Bucket: string, Key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket, Key }));
  if (!object.Body) throw new Error(`${Key} has no body`);
  return Buffer.from(await object.Body.transformToByteArray());
}

async function occupiedPort(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return server;
}

// Every byte value, so no text encoding along the way can pass unnoticed.
const binary = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(200_000)]);
const streamed = randomBytes(300_000);
let messageId: string;

describe('local DynamoDB, S3 and SES', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dpia-local-aws-'));
    stack = await startStack();
  });

  afterAll(async () => {
    if (stack) await stopStack(stack);
    stack = undefined;
    // Put back only what sdkEnvironment set, keeping process.env the special object it is.
    for (const name of Object.keys(sdkEnvironment(resolveLocalConfig({})))) {
      const saved = savedEnv[name];
      if (saved === undefined) delete process.env[name];
      else process.env[name] = saved;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the table idempotently from the shared definition', async () => {
    const { dynamo } = started();
    await ensureTable(dynamo, table);
    await ensureTable(dynamo, table);
    const { TableNames } = await dynamo.send(new ListTablesCommand({}));
    expect(TableNames).toEqual([table]);
  });

  it('refuses a second conditional put of the same item', async () => {
    const { documents } = started();
    const put = new PutCommand({
      TableName: table,
      Item: { PK: 'PROPOSAL#p1', SK: 'META', title: 'Car park cameras' },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    await documents.send(put);
    await expect(documents.send(put)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('pages a descending GSI1 query with Limit and ExclusiveStartKey', async () => {
    const { documents } = started();
    for (const day of [1, 2, 3, 4, 5]) {
      await documents.send(
        new PutCommand({
          TableName: table,
          Item: { PK: `PROPOSAL#q${day}`, SK: 'META', GSI1PK: 'STATUS#open', GSI1SK: `2024-01-0${day}`, day },
        }),
      );
    }
    const pages: number[][] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :status',
          ExpressionAttributeValues: { ':status': 'STATUS#open' },
          ScanIndexForward: false,
          Limit: 2,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      pages.push((page.Items ?? []).map((item) => Number(item.day)));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(pages.flat()).toEqual([5, 4, 3, 2, 1]);
    expect(pages[0]).toEqual([5, 4]);
  });

  it('adds to a counter with UpdateItem ADD', async () => {
    const { documents } = started();
    const add = new UpdateCommand({
      TableName: table,
      Key: { PK: 'COUNTER#2024', SK: 'REFERENCE' },
      UpdateExpression: 'ADD #n :one',
      ExpressionAttributeNames: { '#n': 'next' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    });
    expect((await documents.send(add)).Attributes).toEqual({ next: 1 });
    expect((await documents.send(add)).Attributes).toEqual({ next: 2 });
  });

  it('stores objects byte for byte, from a Buffer and from a stream', async () => {
    const { s3 } = started();
    await s3.send(
      new PutObjectCommand({ Bucket: DEFAULTS.evidenceBucket, Key: 'evidence/blob.bin', Body: binary }),
    );
    expect((await getBytes(s3, DEFAULTS.evidenceBucket, 'evidence/blob.bin')).equals(binary)).toBe(true);

    const chunks = [streamed.subarray(0, 100_000), streamed.subarray(100_000)];
    await s3.send(
      new PutObjectCommand({
        Bucket: DEFAULTS.rawMailBucket,
        Key: 'inbound/streamed',
        Body: Readable.from(chunks),
        ContentLength: streamed.length,
      }),
    );
    expect((await getBytes(s3, DEFAULTS.rawMailBucket, 'inbound/streamed')).equals(streamed)).toBe(true);
  });

  it('shows a sent mail in the SES store', async () => {
    const { ses, sesUrl } = started();
    const sent = await ses.send(
      new SendEmailCommand({
        Source: DEFAULTS.senderAddress,
        ReplyToAddresses: ['consult+token@replies.camera-dpia.test'],
        Destination: { ToAddresses: ['dpo@force.police.uk'] },
        Message: {
          Subject: { Data: 'DPIA-2024-0001: consultation' },
          Body: { Text: { Data: 'Please reply by 1 March.' } },
        },
      }),
    );
    messageId = sent.MessageId ?? '';
    const mail = (await sentMail(sesUrl)).find((email) => email.messageId === messageId);
    expect(mail).toMatchObject({
      from: DEFAULTS.senderAddress,
      replyTo: ['consult+token@replies.camera-dpia.test'],
      destination: { to: ['dpo@force.police.uk'], cc: [], bcc: [] },
      subject: 'DPIA-2024-0001: consultation',
      body: { text: 'Please reply by 1 March.' },
    });
  });

  it('lists its buckets as S3 does (the AWS CLI form of this is in test/interop)', async () => {
    const { s3 } = started();
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect((Buckets ?? []).map((b) => b.Name).sort()).toEqual([...buckets].sort());
  });

  it('refuses a second DynamoDB on the same data directory', async () => {
    await expect(startDynamoDb({ host, port: 0, dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
  });

  it('keeps the item, the object and the sent mail across a restart', async () => {
    // The SES store is per process and outlives a close, so check the copy that a new process reads.
    expect(readFileSync(join(dataDir, 'ses', 'sent.jsonl'), 'utf8')).toContain(messageId);
    await stopStack(started());
    stack = undefined;
    // On another data directory the store starts empty: what comes back below was read from the file.
    const elsewhere = await startSes({ host, port: 0, dataDir: join(dataDir, 'elsewhere') });
    expect(await sentMail(elsewhere.url)).toEqual([]);
    await elsewhere.close();

    stack = await startStack();
    const { documents, s3, sesUrl } = stack;

    const { Item } = await documents.send(
      new GetCommand({ TableName: table, Key: { PK: 'PROPOSAL#p1', SK: 'META' } }),
    );
    expect(Item).toEqual({ PK: 'PROPOSAL#p1', SK: 'META', title: 'Car park cameras' });
    expect((await getBytes(s3, DEFAULTS.evidenceBucket, 'evidence/blob.bin')).equals(binary)).toBe(true);
    const mails = await sentMail(sesUrl);
    expect(mails.filter((email) => email.messageId === messageId)).toHaveLength(1);
    expect(mails[0]?.subject).toBe('DPIA-2024-0001: consultation');
    const viewer = await fetch(`${sesUrl}/`);
    expect(viewer.headers.get('content-type')).toMatch(/^text\/html/);
    await viewer.text();
  });

  it('empties the kept copy of sent mail on POST /clear-store', async () => {
    const { sesUrl } = started();
    expect((await fetch(`${sesUrl}/clear-store`, { method: 'POST' })).status).toBe(200);
    expect(await sentMail(sesUrl)).toEqual([]);
    const file = join(dataDir, 'ses', 'sent.jsonl');
    expect(existsSync(file) && readFileSync(file, 'utf8')).toBe('');
  });

  it('names the port when it is already in use', async () => {
    const blocker = await occupiedPort();
    const taken = (blocker.address() as AddressInfo).port;
    const otherDir = join(dataDir, 'other');
    try {
      await stopStack(started());
      stack = undefined;
      for (const start of [
        () => startDynamoDb({ host, port: taken, dataDir: otherDir }),
        () => startS3({ host, port: taken, dataDir: otherDir, buckets }),
        () => startSes({ host, port: taken, dataDir: otherDir }),
      ]) {
        const error = await start().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(PortInUseError);
        expect((error as PortInUseError).port).toBe(taken);
        expect((error as Error).message).toContain(String(taken));
      }
      // The failed DynamoDB released its LevelDB lock, and the failed SES its store.
      const dynamodb = await startDynamoDb({ host, port: 0, dataDir: otherDir });
      const ses = await startSes({ host, port: 0, dataDir: otherDir });
      await Promise.all([dynamodb.close(), ses.close()]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
