// Issue 15, load: many proposals x 10 consultees through the local stack in one run (500 in the long
// form, `npm run soak`; a few in `npm test`), each driven by its users (the API, SMTP replies,
// the review link): every one decided, no error anywhere, every consultee mailed once and counted
// once, the chain verified, and the stack's resident memory at the start and the end reported
// (the end within 20% of the start).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limiter, SmtpSender } from '../../bench/support/drive.js';
import { type BenchStack, startBenchStack } from '../../bench/support/stack.js';
import { type Driven, driveLifecycle, lettersPerAddress } from './drive.js';
import { reportSoak, SOAK, soakSize } from './summary.js';

const CONSULTEES = 10;
let b: BenchStack;
let sender: SmtpSender;

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

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
    const proposals = soakSize(3, 500);
    const warmUp = soakSize(1, 20);
    const run = limiter(soakSize(6, 24));
    const errors: string[] = [];
    const drive = (tag: string) =>
      run(() =>
        driveLifecycle(b, sender, tag, CONSULTEES, 300_000).catch((error: unknown) => {
          errors.push(`${tag}: ${(error as Error).message}`);
          return undefined;
        }),
      );
    // Handlers loaded and the JIT warm before the first measure, as a stack that has been running.
    await Promise.all(Array.from({ length: warmUp }, (_, i) => drive(`warm${i}`)));
    const rssStart = process.memoryUsage().rss;
    const driven = (await Promise.all(Array.from({ length: proposals }, (_, i) => drive(`load${i}`)))).filter(
      (d): d is Driven => d !== undefined,
    );
    const rssEnd = process.memoryUsage().rss;

    let lost = 0;
    let doubled = 0;
    const statuses = new Map<string, number>();
    for (const d of driven) {
      const detail = await b.api<{ status: string; consultation: { responded: number } }>(
        'manager',
        'GET',
        `/proposals/${d.proposalId}`,
      );
      statuses.set(detail.body.status, (statuses.get(detail.body.status) ?? 0) + 1);
      const letters = lettersPerAddress(b, d.reference);
      for (const email of d.consultees) {
        const n = letters.get(email) ?? 0;
        if (n === 0) lost += 1;
        if (n > 1) doubled += n - 1;
      }
      if (detail.body.consultation.responded !== CONSULTEES)
        lost += CONSULTEES - detail.body.consultation.responded;
    }
    const verify = await b.api<{ ok: boolean; checked: number }>('auditor', 'GET', '/audit/verify');
    const growth = (rssEnd - rssStart) / rssStart;
    reportSoak('load', {
      proposals: driven.length,
      consultees: driven.length * CONSULTEES,
      errors: errors.length,
      rssStartMB: mb(rssStart),
      rssEndMB: mb(rssEnd),
      growthPercent: Math.round(growth * 100),
      lost,
      doubled,
    });
    expect(errors).toEqual([]);
    expect(Object.fromEntries(statuses)).toEqual({ approved: proposals });
    expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
    expect(verify.body).toMatchObject({ ok: true, checked: proposals + warmUp });
    expect(growth).toBeLessThanOrEqual(0.2);
  }, 600_000);
});
