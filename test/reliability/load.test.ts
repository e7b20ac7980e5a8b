// Issue 15, load: many proposals x 10 consultees through the local stack in one run (500 in the long
// form, `npm run soak`; a few in `npm test`), each driven by its users (the API, SMTP replies,
// the review link): every one decided, no error anywhere, every consultee mailed once and counted
// once, the chain verified, and the process's resident memory at the start and the end reported
// (the end within 20% of the start).
//
// "Start" is after the stack is up and a warm-up at the run's own concurrency has brought it to its
// working size, which a stack that has been running has already reached: V8 loads and compiles the
// handlers on the first round and grows each thread's heap (its young generation most) to the
// load. One round was not enough: the threads' heaps went on growing for the run's first 50-100
// proposals (+21-24% over 500, flat after), so the long form warms up with two rounds, one after
// the other (the resident memory after the first is reported too). Both measures follow a full
// garbage collection in every thread.
// The stack runs in this process beside the test's drivers, so the drivers keep only what they
// still need: a proposal's letters are counted when its lifecycle ends (no letter can follow
// then), and the watcher forgets its mail.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limiter, SmtpSender } from '../../bench/support/drive.js';
import { type BenchStack, startBenchStack } from '../../bench/support/stack.js';
import { collectWorkerGarbage } from '../../local/worker-service.js';
import { type Driven, driveLifecycle, lettersPerAddress } from './drive.js';
import { reportSoak, SOAK, soakSize } from './summary.js';

const CONSULTEES = 10;
let b: BenchStack;
let sender: SmtpSender;

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/**
 * Resident memory after a full garbage collection in every thread: the stack's service threads
 * (DynamoDB, S3), then this one (as `node --expose-gc` would give `gc()`).
 */
async function settledRss(): Promise<number> {
  await collectWorkerGarbage();
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().rss;
}

beforeAll(async () => {
  b = await startBenchStack('load');
  sender = new SmtpSender(b, 16);
}, 60_000);

afterAll(async () => {
  sender?.close();
  await b?.close();
});

describe('load', () => {
  it(`decides every proposal of a run of ${SOAK ? 500 : 'a few'} x ${CONSULTEES} consultees, with no error and no memory growth`, async () => {
    const proposals = soakSize(2, 500);
    const concurrency = soakSize(2, 24);
    const run = limiter(concurrency);
    const errors: string[] = [];
    let lost = 0;
    let doubled = 0;
    const statuses = new Map<string, number>();
    let ended = 0;
    const drive = (tag: string) =>
      run(async () => {
        let d: Driven;
        try {
          d = await driveLifecycle(b, sender, tag, CONSULTEES, 300_000);
        } catch (error) {
          errors.push(`${tag}: ${(error as Error).message}`);
          return undefined;
        }
        // Ended: its letters are all out. Counted now, then the watcher forgets its mail.
        const letters = lettersPerAddress(b, d.reference);
        b.mail.forget(d.reference);
        for (const email of d.consultees) {
          const n = letters.get(email) ?? 0;
          if (n === 0) lost += 1;
          if (n > 1) doubled += n - 1;
        }
        const detail = await b.api<{ status: string; consultation: { responded: number } }>(
          'manager',
          'GET',
          `/proposals/${d.proposalId}`,
        );
        statuses.set(detail.body.status, (statuses.get(detail.body.status) ?? 0) + 1);
        if (detail.body.consultation.responded !== CONSULTEES)
          lost += CONSULTEES - detail.body.consultation.responded;
        ended += 1;
        // Progress, for a long run that fails or is cut short.
        if (SOAK && ended % 50 === 0) {
          process.stderr.write(`load: ${ended} decided, rss ${mb(process.memoryUsage().rss)} MB\n`);
        }
        return d;
      });
    // Warm-up: two rounds at the run's concurrency in the long form, one in the quick (see the top
    // of this file).
    const rounds = soakSize(1, 2);
    const warmUp = rounds * concurrency;
    await Promise.all(Array.from({ length: concurrency }, (_, i) => drive(`warm${i}`)));
    const rssFirstRound = await settledRss();
    await Promise.all(
      Array.from({ length: warmUp - concurrency }, (_, i) => drive(`warm${concurrency + i}`)),
    );
    const rssStart = await settledRss();
    const driven = (await Promise.all(Array.from({ length: proposals }, (_, i) => drive(`load${i}`)))).filter(
      (d): d is Driven => d !== undefined,
    );
    const rssEnd = await settledRss();
    const verify = await b.api<{ ok: boolean; checked: number }>('auditor', 'GET', '/audit/verify');
    const growth = (rssEnd - rssStart) / rssStart;
    reportSoak('load', {
      proposals: driven.length,
      warmUp,
      rssFirstRoundMB: mb(rssFirstRound),
      consultees: driven.length * CONSULTEES,
      errors: errors.length,
      rssStartMB: mb(rssStart),
      rssEndMB: mb(rssEnd),
      growthPercent: Math.round(growth * 100),
      lost,
      doubled,
    });
    expect(errors).toEqual([]);
    expect(Object.fromEntries(statuses)).toEqual({ approved: proposals + warmUp });
    expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
    expect(verify.body).toMatchObject({ ok: true, checked: proposals + warmUp });
    expect(growth).toBeLessThanOrEqual(0.2);
  }, 900_000);
});
