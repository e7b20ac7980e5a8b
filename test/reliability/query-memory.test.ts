// Issue 15, load: the local DynamoDB (dynalite on LevelDB) must not grow with the number of Queries.
// dynalite 4 never closed the LevelDB iterator behind a Query or Scan (local/dynalite-iterators.mjs):
// each one stayed open with its snapshot and buffers, and 12,000 Queries grew the stack's RSS by
// ~240 MB. Quick form: dynalite in this thread with the fix, and every iterator it opens for 120
// Queries (the mix below, twice over) (paged, limited, both directions, on the table and an index) and a Scan is closed again.
// Long form (DPIA_SOAK=1): the stack's own DynamoDB worker answers 20,000 Queries after 6,000 to warm
// up, and the process RSS grows by less than 150 MB (measured: ~30 MB with the fix, ~450 MB without).

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDynaliteIterators } from '../../local/dynalite-iterators.mjs';
import { ensureTable, startDynamoDb } from '../../local/dynamodb.js';
import { oneAttemptAt } from '../support/local-sdk-client.js';
import { reportSoak, SOAK } from './summary.js';

const host = '127.0.0.1';
const TABLE = 'query-memory';
const PARTITIONS = 10;
/** Twice the mix of query(): every variant (partition, index, direction, Limit) comes round every 60. */
const QUICK_QUERIES = 120;
const dataDir = mkdtempSync(join(tmpdir(), 'dpia-query-memory-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const clientFor = (url: string) => new DynamoDBClient(oneAttemptAt(url, 'us-east-1'));

async function fill(client: DynamoDBClient): Promise<void> {
  await ensureTable(client, TABLE);
  for (let p = 0; p < PARTITIONS; p++) {
    for (let i = 0; i < 20; i++) {
      const sk = `S${String(i).padStart(3, '0')}`;
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: {
            PK: { S: `P${p}` },
            SK: { S: sk },
            GSI1PK: { S: `G${p}` },
            GSI1SK: { S: sk },
            body: { S: 'x'.repeat(200) },
          },
        }),
      );
    }
  }
}

/** The n-th Query of a mix like the handlers': whole partitions, Limit 1 heads, pages, an index. */
function query(n: number): QueryCommandInput {
  const p = n % PARTITIONS;
  const onIndex = n % 4 === 3;
  return {
    TableName: TABLE,
    ...(onIndex ? { IndexName: 'GSI1' } : {}),
    KeyConditionExpression: onIndex ? 'GSI1PK = :p' : 'PK = :p',
    ExpressionAttributeValues: { ':p': { S: `${onIndex ? 'G' : 'P'}${p}` } },
    ScanIndexForward: n % 2 === 0,
    ...(n % 3 === 0 ? { Limit: n % 6 === 0 ? 1 : 7 } : {}),
  };
}

describe('query memory', () => {
  // Quick and long form alike: every iterator is closed. The long form also measures the stack's
  // own DynamoDB worker across 20,000 Queries (too slow for npm test, and an RSS figure needs them).
  it('closes every LevelDB iterator that a Query or a Scan opens (long form: RSS flat over 20,000 Queries)', async () => {
    const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
    const fromLevel = createRequire(fromDynalite.resolve('level'));
    const { AbstractLevel } = createRequire(fromLevel.resolve('classic-level'))('abstract-level') as {
      AbstractLevel: { prototype: { attachResource(r: unknown): void; detachResource(r: unknown): void } };
    };
    // Count the db's open resources (its iterators) through the hooks abstract-level calls.
    let open = 0;
    let opened = 0;
    const { attachResource, detachResource } = AbstractLevel.prototype;
    AbstractLevel.prototype.attachResource = function (this: unknown, r: unknown) {
      open++;
      opened++;
      attachResource.call(this, r);
    };
    AbstractLevel.prototype.detachResource = function (this: unknown, r: unknown) {
      open--;
      detachResource.call(this, r);
    };
    closeDynaliteIterators();
    const dynalite = fromDynalite('dynalite') as (options: object) => import('node:http').Server;
    const server = dynalite({ path: join(dataDir, 'inline'), createTableMs: 0 });
    try {
      await new Promise<void>((resolve) => server.listen(0, host, resolve));
      const { port } = server.address() as { port: number };
      const client = clientFor(`http://${host}:${port}`);
      await fill(client);
      const before = opened;
      for (let n = 0; n < QUICK_QUERIES; n++) await client.send(new QueryCommand(query(n)));
      await client.send(new ScanCommand({ TableName: TABLE, Limit: 5 }));
      await client.send(new ScanCommand({ TableName: TABLE }));
      client.destroy();
      // At least one iterator for each Query and Scan (a paged one opens more).
      expect(opened - before).toBeGreaterThanOrEqual(QUICK_QUERIES + 2);
      // A close that is still settling is done within a few turns of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(open).toBe(0);
      reportSoak('query memory', {
        queries: QUICK_QUERIES,
        iteratorsOpened: opened - before,
        iteratorsLeftOpen: open,
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
      AbstractLevel.prototype.attachResource = attachResource;
      AbstractLevel.prototype.detachResource = detachResource;
    }
    if (SOAK) await rssAcrossQueries();
  }, 300_000);
});

/** The stack's DynamoDB worker, as `npm start` runs it: RSS growth across 20,000 Queries. */
async function rssAcrossQueries(): Promise<void> {
  const dynamodb = await startDynamoDb({ host, port: 0, dataDir });
  const client = clientFor(dynamodb.url);
  try {
    await fill(client);
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    const run = async (from: number, count: number) => {
      // Four at a time, as the handlers' concurrent reads are.
      for (let n = from; n < from + count; n += 4) {
        await Promise.all([0, 1, 2, 3].map((k) => client.send(new QueryCommand(query(n + k)))));
      }
    };
    await run(0, 6_000); // allocator, LevelDB caches and JIT warm: RSS rises ~100 MB here either way
    const start = process.memoryUsage().rss;
    await run(6_000, 20_000);
    const growth = process.memoryUsage().rss - start;
    reportSoak('query memory', { queries: 20_000, rssStartMb: mb(start), rssGrowthMb: mb(growth) });
    expect(mb(growth)).toBeLessThan(150);
  } finally {
    client.destroy();
    await dynamodb.close();
  }
}
