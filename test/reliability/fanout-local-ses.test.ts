// Issue 15, sending pace: the local SES answers GetSendQuota and, given a rate, refuses a faster
// sender as SES does (`Throttling`, "Maximum sending rate exceeded."), so the pace can be proved
// locally. A refused mail is not in the store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSendQuotaCommand, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveLocalConfig } from '../../local/config.js';
import { sendLimiter, startSes, UNLIMITED_SEND_RATE } from '../../local/ses.js';
import { oneAttemptAt } from '../support/local-sdk-client.js';

const dataDir = mkdtempSync(join(tmpdir(), 'dpia-ses-rate-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// One attempt: the SDK would otherwise retry a throttled send and hide the refusal.
const client = (url: string) => new SESClient(oneAttemptAt(url));
const mail = (to: string) =>
  new SendEmailCommand({
    Source: 'dpia@camera-dpia.test',
    Destination: { ToAddresses: [to] },
    Message: { Subject: { Data: 'Rate' }, Body: { Text: { Data: 'body' } } },
  });

describe('the local SES sending quota', () => {
  it('answers GetSendQuota with its rate and throttles a sender going faster', async () => {
    const ses = await startSes({
      host: '127.0.0.1',
      port: 0,
      dataDir: join(dataDir, 'limited'),
      maxSendRate: 2,
    });
    try {
      const sdk = client(ses.url);
      expect(await sdk.send(new GetSendQuotaCommand({}))).toMatchObject({
        MaxSendRate: 2,
        SentLast24Hours: 0,
      });

      const answers = await Promise.allSettled(
        ['a', 'b', 'c'].map((x) => sdk.send(mail(`${x}@example.test`))),
      );

      expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(2);
      const refused = answers.find((a) => a.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ name: 'Throttling', message: 'Maximum sending rate exceeded.' });
      const store = (await (await fetch(`${ses.url}/store`)).json()) as { emails: unknown[] };
      expect(store.emails).toHaveLength(2);
      expect(await (await fetch(`${ses.url}/send-quota`)).json()).toMatchObject({
        maxSendRate: 2,
        throttled: 1,
      });
      expect(await sdk.send(new GetSendQuotaCommand({}))).toMatchObject({ SentLast24Hours: 2 });
    } finally {
      await ses.close();
    }
  });

  it('without a rate, answers a high one and refuses nothing', async () => {
    const ses = await startSes({ host: '127.0.0.1', port: 0, dataDir: join(dataDir, 'open') });
    try {
      const sdk = client(ses.url);
      expect((await sdk.send(new GetSendQuotaCommand({}))).MaxSendRate).toBe(UNLIMITED_SEND_RATE);
      const answers = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => sdk.send(mail(`r${i}@example.test`))),
      );
      expect(answers.every((a) => a.status === 'fulfilled')).toBe(true);
    } finally {
      await ses.close();
    }
  });

  it('takes a burst of one second of sends (at least 2), then no more than the rate', () => {
    const fourteen = sendLimiter(14);
    expect(Array.from({ length: 15 }, () => fourteen(1000)).filter(Boolean)).toHaveLength(14);
    expect(fourteen(1000 + 1000 / 14 - 1)).toBe(false);
    expect(fourteen(1000 + 1000 / 14 + 1)).toBe(true);
    // At 90% of the rate, for a minute, with every other pair bunched together: never refused.
    const steady = sendLimiter(14);
    const interval = 1000 / (14 * 0.9);
    const times = Array.from(
      { length: 14 * 60 },
      (_, i) => i * interval + (i % 2 === 1 ? -interval * 0.9 : 0),
    );
    expect(times.every((t) => steady(t))).toBe(true);
    // A little over the rate, sustained, is refused.
    const fast = sendLimiter(14);
    expect(Array.from({ length: 14 * 60 }, (_, i) => fast((i * 1000) / 15)).every(Boolean)).toBe(false);

    const slow = sendLimiter(1.4);
    expect([slow(0), slow(1), slow(2), slow(2 + 1000 / 1.4 + 1)]).toEqual([true, true, false, true]);
  });

  it('takes its rate from DPIA_SES_MAX_SEND_RATE, and refuses a rate that is not one', () => {
    expect(resolveLocalConfig({ DPIA_SES_MAX_SEND_RATE: '14' }).sesMaxSendRate).toBe(14);
    expect(resolveLocalConfig({}).sesMaxSendRate).toBeNull();
    for (const bad of ['0', '-1', 'fast']) {
      expect(() => resolveLocalConfig({ DPIA_SES_MAX_SEND_RATE: bad })).toThrow(/DPIA_SES_MAX_SEND_RATE/);
    }
  });
});
