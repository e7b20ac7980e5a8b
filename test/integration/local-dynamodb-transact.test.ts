// The local DynamoDB's TransactWriteItems (local/dynalite-transact.mjs) and its cache of parsed
// expressions (local/dynalite-parse-cache.mjs), through the AWS SDK as the handlers use them: all
// of a transaction or none of it, with DynamoDB's cancellation reasons; and the same expression
// with other values, names or types evaluated for what it says, not for what was cached.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../functions/shared/config.js';
import { ensureTable, startDynamoDb } from '../../local/dynamodb.js';
import type { RunningService } from '../../local/service.js';
import { oneAttemptAt } from '../support/local-sdk-client.js';

const TableName = DEFAULTS.tableName;
let dataDir: string;
let service: RunningService;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dpia-transact-'));
  service = await startDynamoDb({ host: '127.0.0.1', port: 0, dataDir });
  const dynamo = new DynamoDBClient(oneAttemptAt(service.url));
  await ensureTable(dynamo, TableName);
  documents = DynamoDBDocumentClient.from(dynamo);
});

afterAll(async () => {
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const key = (n: number) => ({ PK: 'PROPOSAL#transact', SK: `CONSULTEE#c${n}@parish.example` });
const read = async (n: number) => (await documents.send(new GetCommand({ TableName, Key: key(n) }))).Item;
const claim = (n: number, at: number) => ({
  Update: {
    TableName,
    Key: key(n),
    UpdateExpression: 'SET #marker = :sending, #claimedAt = :now',
    ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(#marker) OR #marker = :null)',
    ExpressionAttributeNames: { '#marker': 'mailMarker', '#claimedAt': 'claimedAt' },
    ExpressionAttributeValues: { ':sending': 'sending', ':null': null, ':now': at },
  },
});
const transact = (input: TransactWriteCommandInput) => documents.send(new TransactWriteCommand(input));

describe('TransactWriteItems on the local DynamoDB', () => {
  beforeAll(async () => {
    for (let n = 0; n < 120; n++) {
      await documents.send(
        new PutCommand({ TableName, Item: { ...key(n), status: 'pending', mailMarker: null } }),
      );
    }
  });

  it('writes every item when every condition holds', async () => {
    await transact({ TransactItems: [0, 1, 2].map((n) => claim(n, 1000)) });
    for (const n of [0, 1, 2])
      expect(await read(n)).toMatchObject({ mailMarker: 'sending', claimedAt: 1000 });
  });

  it('writes none when one condition fails, and gives the reason of each item', async () => {
    const error = await transact({ TransactItems: [3, 2, 4].map((n) => claim(n, 2000)) }).catch((e) => e);
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.CancellationReasons.map((r: { Code: string }) => r.Code)).toEqual([
      'None',
      'ConditionalCheckFailed',
      'None',
    ]);
    expect(await read(3)).toMatchObject({ mailMarker: null });
    expect(await read(4)).toMatchObject({ mailMarker: null });
    expect(await read(2)).toMatchObject({ claimedAt: 1000 });
  });

  it('takes 100 items, and refuses more, or two operations on one item', async () => {
    await transact({ TransactItems: Array.from({ length: 100 }, (_, i) => claim(10 + i, 3000)) });
    expect(await read(109)).toMatchObject({ mailMarker: 'sending', claimedAt: 3000 });
    const tooMany = await transact({
      TransactItems: Array.from({ length: 101 }, (_, i) => claim(i, 4000)),
    }).catch((e) => e);
    expect(tooMany.name).toBe('ValidationException');
    const twice = await transact({ TransactItems: [claim(5, 4000), claim(5, 4000)] }).catch((e) => e);
    expect(twice.name).toBe('ValidationException');
    expect(await read(5)).toMatchObject({ mailMarker: null });
  });

  it('answers a retried request (the same ClientRequestToken) once, without writing again', async () => {
    const input = { ClientRequestToken: 'retry-1', TransactItems: [claim(6, 5000)] };
    await transact(input);
    await documents.send(
      new UpdateCommand({
        TableName,
        Key: key(6),
        UpdateExpression: 'SET #m = :x',
        ExpressionAttributeNames: { '#m': 'mailMarker' },
        ExpressionAttributeValues: { ':x': 'sent' },
      }),
    );
    await expect(transact(input)).resolves.toBeDefined();
    expect(await read(6)).toMatchObject({ mailMarker: 'sent' });
    const other = await transact({ ClientRequestToken: 'retry-1', TransactItems: [claim(7, 5000)] }).catch(
      (e) => e,
    );
    expect(other.name).toBe('IdempotentParameterMismatchException');
  });

  it('does not let a single write in between its check and its write', async () => {
    const [together, alone] = await Promise.allSettled([
      transact({ TransactItems: [claim(110, 6000), claim(111, 6000)] }),
      documents.send(new UpdateCommand(claim(111, 7000).Update)),
    ]);
    // Exactly one of them took consultee 111; the transaction's other item follows it.
    expect([together.status, alone.status].sort()).toEqual(['fulfilled', 'rejected']);
    const c110 = await read(110);
    const c111 = await read(111);
    expect(c111?.claimedAt).toBe(together.status === 'fulfilled' ? 6000 : 7000);
    expect(c110?.mailMarker).toBe(together.status === 'fulfilled' ? 'sending' : null);
  });
});

describe('the parsed expressions the local DynamoDB keeps', () => {
  const update = (n: number, values: Record<string, unknown>, condition: string) =>
    documents.send(
      new UpdateCommand({
        TableName,
        Key: key(n),
        UpdateExpression: 'SET #v = :v',
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#v': 'value' },
        ExpressionAttributeValues: values,
      }),
    );

  it('evaluates each request with its own values, of whatever type', async () => {
    await documents.send(new PutCommand({ TableName, Item: { ...key(200), value: 1 } }));
    await update(200, { ':v': 2 }, '#v < :v');
    await expect(update(200, { ':v': 1 }, '#v < :v')).rejects.toThrow('conditional request failed');
    const add = (v: unknown) =>
      documents.send(
        new UpdateCommand({
          TableName,
          Key: key(200),
          UpdateExpression: 'SET #v = #v + :v',
          ExpressionAttributeNames: { '#v': 'value' },
          ExpressionAttributeValues: { ':v': v },
        }),
      );
    await add(5);
    expect((await read(200))?.value).toBe(7);
    // The same text with a value of another type: DynamoDB's own type error, not the cached parse.
    await expect(add('one')).rejects.toThrow(/incorrect (operand|data) type/i);
    await update(200, { ':v': 'text' }, 'attribute_exists(#v)');
    expect((await read(200))?.value).toBe('text');
  });

  it('still refuses what the parser refuses: an unused value, an unknown name, a BETWEEN out of order', async () => {
    await expect(update(200, { ':v': 3, ':unused': 1 }, 'attribute_exists(#v)')).rejects.toThrow(/unused/i);
    await expect(update(200, { ':v': 3 }, 'attribute_exists(#nope)')).rejects.toThrow(/not defined/i);
    await expect(
      update(200, { ':v': 3, ':a': 5, ':b': 1 }, '#v BETWEEN :a AND :b OR attribute_exists(#v)'),
    ).rejects.toThrow(/BETWEEN/i);
    await update(200, { ':v': 3, ':a': 1, ':b': 5 }, 'attribute_exists(#v) OR #v BETWEEN :a AND :b');
    expect((await read(200))?.value).toBe(3);
  });
});
