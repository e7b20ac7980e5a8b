// The local DynamoDB keeps items decoded between requests (local/dynalite-cache.mjs, issue 17): a
// client must not be able to tell. Every answer is what DynamoDB would give, the index copies follow
// the item, and after a restart on the same directory LevelDB holds exactly what was answered.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, startDynamoDb } from '../../local/dynamodb.js';
import type { RunningService } from '../../local/service.js';
import { localAt } from '../support/local-sdk-client.js';

const TableName = 'cache-test';
let dataDir: string;
let service: RunningService | undefined;
let documents: DynamoDBDocumentClient;

async function start(): Promise<void> {
  service = await startDynamoDb({ host: '127.0.0.1', port: 0, dataDir });
  const client = new DynamoDBClient(localAt(service.url));
  await ensureTable(client, TableName);
  documents = DynamoDBDocumentClient.from(client);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dpia-dynamo-cache-'));
  await start();
});

afterAll(async () => {
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const key = { PK: 'PROPOSAL#p1', SK: 'PROPOSAL' };
const get = async (k: Record<string, string> = key) =>
  (await documents.send(new GetCommand({ TableName, Key: k, ConsistentRead: true }))).Item;
const byStatus = async (status: string) =>
  (
    await documents.send(
      new QueryCommand({
        TableName,
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': `STATUS#${status}` },
      }),
    )
  ).Items ?? [];

describe('local DynamoDB with items kept decoded', () => {
  it('answers every read with the latest write, and a restart finds the same on disk', async () => {
    const counts = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`c${i}`, { status: 'mailed', version: 1 }]),
    );
    await documents.send(
      new PutCommand({
        TableName,
        Item: { ...key, GSI2PK: 'STATUS#consulting', GSI2SK: 'p1', responded: 0, counts },
      }),
    );
    const read = await get();
    expect(read?.responded).toBe(0);

    // A reader changing what it was given changes nothing in the table.
    (read as { responded: number }).responded = 99;
    expect((await get())?.responded).toBe(0);

    const old = await documents.send(
      new UpdateCommand({
        TableName,
        Key: key,
        UpdateExpression: 'SET #counts.#c7 = :entry, responded = responded + :one',
        ExpressionAttributeNames: { '#counts': 'counts', '#c7': 'c7' },
        ExpressionAttributeValues: { ':entry': { status: 'responded', version: 2 }, ':one': 1 },
        ReturnValues: 'ALL_OLD',
      }),
    );
    // The old image is the item before this update, not the item as it is now.
    expect(old.Attributes?.responded).toBe(0);
    expect(old.Attributes?.counts.c7).toEqual({ status: 'mailed', version: 1 });
    expect((await get())?.counts.c7).toEqual({ status: 'responded', version: 2 });

    // A condition that fails leaves the item as it was.
    await expect(
      documents.send(
        new UpdateCommand({
          TableName,
          Key: key,
          UpdateExpression: 'SET responded = :n',
          ConditionExpression: 'responded = :zero',
          ExpressionAttributeValues: { ':n': 50, ':zero': 0 },
        }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect((await get())?.responded).toBe(1);

    // The index copy (projecting every attribute) follows the item; moving it moves the copy.
    expect((await byStatus('consulting'))[0]?.counts.c7).toEqual({ status: 'responded', version: 2 });
    await documents.send(
      new UpdateCommand({
        TableName,
        Key: key,
        UpdateExpression: 'SET GSI2PK = :closed',
        ExpressionAttributeValues: { ':closed': 'STATUS#closed' },
      }),
    );
    expect(await byStatus('consulting')).toEqual([]);
    expect((await byStatus('closed'))[0]?.responded).toBe(1);

    // A conditional put on a new key, a second one refused, and a delete.
    const reply = { PK: 'PROPOSAL#p1', SK: 'REPLY#r1' };
    const putOnce = () =>
      documents.send(
        new PutCommand({
          TableName,
          Item: { ...reply, stance: 'support' },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    await putOnce();
    await expect(putOnce()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    const gone = { PK: 'PROPOSAL#p1', SK: 'REPLY#r2' };
    await documents.send(new PutCommand({ TableName, Item: { ...gone, stance: 'object' } }));
    await documents.send(new DeleteCommand({ TableName, Key: gone }));
    expect(await get(gone)).toBeUndefined();

    const before = { proposal: await get(), reply: await get(reply) };
    await service?.close();
    await start();
    expect(await get()).toEqual(before.proposal);
    expect(await get(reply)).toEqual(before.reply);
    expect(await get(gone)).toBeUndefined();
    expect((await byStatus('closed'))[0]).toEqual(before.proposal);
  });
});
