// The two halves of every "does it stay flat as the table grows" benchmark (auditor queries,
// dashboard, public register): loading many items straight into the table, and timing one page
// request at a time, checking the first answer.
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULTS } from '../../functions/shared/config.js';
import type { floorClients } from '../floor-clients.js';
import { limiter } from './drive.js';
import { percentile } from './result.js';

const BATCH = 25;
/** BatchWriteItem requests in flight while loading. */
export const LOAD_CONCURRENCY = 8;
const WARM_UP = 20;

/** Writes item(from)..item(to) in batches of 25, retrying unprocessed items; its duration in ms. */
export async function loadItems(
  dynamo: ReturnType<typeof floorClients>['dynamo'],
  from: number,
  to: number,
  item: (n: number) => Record<string, unknown>,
): Promise<number> {
  const start = performance.now();
  const slot = limiter(LOAD_CONCURRENCY);
  const batches: number[] = [];
  for (let first = from; first <= to; first += BATCH) batches.push(first);
  await Promise.all(
    batches.map((first) =>
      slot(async () => {
        let requests = Array.from({ length: Math.min(BATCH, to - first + 1) }, (_, i) => ({
          PutRequest: { Item: item(first + i) },
        }));
        for (let attempt = 0; requests.length > 0; attempt++) {
          const out = await dynamo.send(
            new BatchWriteCommand({ RequestItems: { [DEFAULTS.tableName]: requests } }),
          );
          requests = (out.UnprocessedItems?.[DEFAULTS.tableName] ?? []) as typeof requests;
          if (requests.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        }
      }),
    ),
  );
  return performance.now() - start;
}

export interface Latency {
  p50: number;
  p95: number;
  correct: boolean;
  problem?: string;
}

/**
 * Times `count` requests one at a time (after a warm-up), so each latency is the request's own.
 * `request` answers the first request's problem (undefined when its answer is right).
 */
export async function sampleLatency(
  count: number,
  request: (first: boolean) => Promise<string | undefined>,
): Promise<Latency> {
  const times: number[] = [];
  let problem: string | undefined;
  for (let i = 0; i < WARM_UP + count; i++) {
    const start = performance.now();
    const answer = await request(i === 0);
    const elapsed = performance.now() - start;
    if (i >= WARM_UP) times.push(elapsed);
    if (i === 0) problem = answer;
  }
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    correct: problem === undefined,
    ...(problem ? { problem } : {}),
  };
}

/** The two table sizes a scale benchmark compares, and the requests it times at each. */
export const scaleSizes = (quick: boolean) =>
  quick ? { small: 200, large: 2_000, requests: 40 } : { small: 1_000, large: 100_000, requests: 200 };
