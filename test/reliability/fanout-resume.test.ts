// Issue 15, fan-out: the SendConsultation task (with AWS mocked) leaves nobody "sending" for ever,
// writes each letter's evidence copy before the letter goes, keeps under SES's MaxSendRate, and
// mails a bounded slice per run with `done: false` until everyone is mailed.
import { PutObjectCommand, type PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import {
  GetSendQuotaCommand,
  SESClient,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendConsultation } from '../../functions/consultation/send.js';
import { PACE_SHARE } from '../../functions/shared/send-pace.js';
import { FakeTable, PROPOSAL_ID } from '../support/consultation-table.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const ses = mockClient(SESClient);

const EMAILS = ['a@council.example', 'b@council.example', 'c@parish.example'];
const LEASE_SECONDS = 120;
const recipient = (mail: SendEmailCommandInput) => mail.Destination?.ToAddresses?.[0];
const mailed = () => ses.commandCalls(SendEmailCommand).map((c) => recipient(c.args[0].input));
/** The evidence objects as they stand: the last write of each key. */
const evidence = () => {
  const objects = new Map<string, PutObjectCommandInput>();
  for (const c of s3.commandCalls(PutObjectCommand))
    objects.set(String(c.args[0].input.Key), c.args[0].input);
  return [...objects.values()].flatMap(
    (o) => JSON.parse(String(o.Body)) as { to: string; sendConfirmed: boolean; messageId: string }[],
  );
};

unitEnv(
  {
    DPIA_EVIDENCE_BUCKET: 'camera-dpia-evidence',
    DPIA_INBOUND_DOMAIN: 'replies.example',
    DPIA_SENDER_ADDRESS: 'dpia@police.example',
    DPIA_SEND_CLAIM_SECONDS: String(LEASE_SECONDS),
  },
  { each: true },
);
beforeEach(() => {
  ddb.reset();
  s3.reset();
  ses.reset();
  s3.on(PutObjectCommand).resolves({});
  ses
    .on(SendEmailCommand)
    .callsFake(async (input: SendEmailCommandInput) => ({ MessageId: `ses-${recipient(input)}` }));
  ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 1000, Max24HourSend: 1_000_000, SentLast24Hours: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a consultee left "sending" by a crashed run', () => {
  it('is mailed once the claim is stale, and counted', async () => {
    const table = new FakeTable('consulting', EMAILS, { 'b@council.example': 'sending' });
    table.consultee('b@council.example').claimedAt = Date.now() - (LEASE_SECONDS + 1) * 1000;
    table.install(ddb);

    const result = await sendConsultation(PROPOSAL_ID);

    expect(mailed().sort()).toEqual([...EMAILS].sort());
    expect(table.consultee('b@council.example')).toMatchObject({ mailMarker: 'sent', status: 'mailed' });
    expect(result).toMatchObject({ mailed: 3, done: true });
  });

  it('is mailed when its claim is from before claims carried a time', async () => {
    const table = new FakeTable('consulting', EMAILS, { 'b@council.example': 'sending' });
    table.install(ddb);

    const result = await sendConsultation(PROPOSAL_ID);

    expect(mailed()).toContain('b@council.example');
    expect(result).toMatchObject({ mailed: 3, done: true });
  });

  it('is left alone while the claim is fresh: the run asks to come back when it goes stale', async () => {
    const table = new FakeTable('consulting', EMAILS, { 'b@council.example': 'sending' });
    table.consultee('b@council.example').claimedAt = Date.now() - 20_000;
    table.install(ddb);

    const first = await sendConsultation(PROPOSAL_ID);

    expect(mailed().sort()).toEqual(['a@council.example', 'c@parish.example']);
    expect(first.done).toBe(false);
    expect(first.waitSeconds).toBeGreaterThan(LEASE_SECONDS - 25);
    expect(first.waitSeconds).toBeLessThanOrEqual(LEASE_SECONDS - 19);

    // The state machine waits first.waitSeconds, then runs the task again.
    table.consultee('b@council.example').claimedAt = Date.now() - (LEASE_SECONDS + 1) * 1000;
    ses.resetHistory();
    const second = await sendConsultation(PROPOSAL_ID);

    expect(mailed()).toEqual(['b@council.example']);
    expect(second).toMatchObject({ mailed: 3, done: true, waitSeconds: 0 });
  });
});

describe('evidence copies', () => {
  it('exist before SES is asked to send, and are confirmed with its ids after', async () => {
    const table = new FakeTable('scoring', EMAILS);
    table.install(ddb);
    const copiedWhenSent: boolean[] = [];
    ses.on(SendEmailCommand).callsFake(async (input: SendEmailCommandInput) => {
      copiedWhenSent.push(evidence().some((c) => c.to === recipient(input)));
      return { MessageId: `ses-${recipient(input)}` };
    });

    await sendConsultation(PROPOSAL_ID);

    expect(copiedWhenSent).toEqual([true, true, true]);
    const copies = evidence();
    expect(copies.map((c) => c.to).sort()).toEqual([...EMAILS].sort());
    for (const c of copies) expect(c).toMatchObject({ sendConfirmed: true, messageId: `ses-${c.to}` });
    expect(table.consultee('a@council.example')).toMatchObject({ messageId: 'ses-a@council.example' });
  });

  it('of a letter SES may have taken before failing stay, unconfirmed; of letters never tried, none', async () => {
    const many = Array.from({ length: 30 }, (_, i) => `c${i}@council.example`);
    const table = new FakeTable('scoring', many);
    table.install(ddb);
    const failure = Object.assign(new Error('We encountered an internal error.'), {
      name: 'InternalFailure',
    });
    ses.on(SendEmailCommand).callsFake(async (input: SendEmailCommandInput) => {
      if (recipient(input) === 'c1@council.example') throw failure;
      return { MessageId: `ses-${recipient(input)}` };
    });

    await expect(sendConsultation(PROPOSAL_ID)).rejects.toBe(failure);

    const copies = evidence();
    const sentTo = new Set(mailed());
    expect(copies.find((c) => c.to === 'c1@council.example')).toMatchObject({
      sendConfirmed: false,
      messageId: '',
    });
    for (const c of copies) expect(sentTo.has(c.to)).toBe(true);
    for (const to of sentTo) expect(copies.some((c) => c.to === to)).toBe(true);
    // Everyone not mailed is free for the retry.
    for (const email of many.filter((e) => !sentTo.has(e) || e === 'c1@council.example')) {
      expect(table.consultee(email).mailMarker).toBeNull();
    }
  });

  it('not written: nothing is sent, and the claims go back', async () => {
    const table = new FakeTable('scoring', EMAILS);
    table.install(ddb);
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('slow down'), { name: 'SlowDown' }));

    await expect(sendConsultation(PROPOSAL_ID)).rejects.toThrow('slow down');

    expect(mailed()).toEqual([]);
    for (const email of EMAILS) expect(table.consultee(email).mailMarker).toBeNull();
  });
});

describe('the sending pace', () => {
  it(`reads SES's MaxSendRate and spaces the letters to ${PACE_SHARE * 100}% of it`, async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance', 'Date'] });
    const many = Array.from({ length: 12 }, (_, i) => `c${i}@council.example`);
    new FakeTable('scoring', many).install(ddb);
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 4, Max24HourSend: 200, SentLast24Hours: 0 });
    const at: number[] = [];
    ses.on(SendEmailCommand).callsFake(async () => {
      at.push(performance.now());
      return { MessageId: 'ses-x' };
    });

    const done = sendConsultation(PROPOSAL_ID);
    await vi.runAllTimersAsync();
    await done;

    expect(ses.commandCalls(GetSendQuotaCommand)).toHaveLength(1);
    expect(at).toHaveLength(12);
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1000 / (4 * PACE_SHARE));
    // Never more than MaxSendRate in any second.
    for (const t of at) expect(at.filter((u) => u > t - 1000 && u <= t).length).toBeLessThanOrEqual(4);
  });
});

describe('a slice per run', () => {
  it('mails at most DPIA_SEND_SLICE_MAX consultees per run and answers done only when all are mailed', async () => {
    vi.stubEnv('DPIA_SEND_SLICE_MAX', '2');
    const table = new FakeTable('scoring', EMAILS);
    table.install(ddb);

    const first = await sendConsultation(PROPOSAL_ID);
    expect(mailed()).toHaveLength(2);
    expect(first).toMatchObject({ mailed: 2, done: false, waitSeconds: 0 });

    const second = await sendConsultation(PROPOSAL_ID);
    expect(mailed().sort()).toEqual([...EMAILS].sort());
    expect(second).toMatchObject({ mailed: 3, done: true, waitSeconds: 0 });
    expect(table.events.map((e) => e.detail)).toEqual([
      '2 consultation e-mails sent; 2 of 3 consultees mailed',
      '1 consultation e-mail sent; 3 of 3 consultees mailed',
    ]);
  });

  it('sends for a shorter slice when the invocation has little time left', async () => {
    // 61 s left, 60 s kept in reserve: the slice is one second's worth at the pace.
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 2, Max24HourSend: 200, SentLast24Hours: 0 });
    const many = Array.from({ length: 10 }, (_, i) => `c${i}@council.example`);
    new FakeTable('scoring', many).install(ddb);

    const result = await sendConsultation(PROPOSAL_ID, { remainingMs: 61_000 });

    expect(mailed()).toHaveLength(1);
    expect(result).toMatchObject({ done: false, waitSeconds: 0 });
  });
});

describe('without a sending rate', () => {
  it('mails everyone unpaced when GetSendQuota fails, rather than failing the consultation', async () => {
    new FakeTable('scoring', EMAILS).install(ddb);
    ses.on(GetSendQuotaCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));

    const result = await sendConsultation(PROPOSAL_ID);

    expect(mailed().sort()).toEqual([...EMAILS].sort());
    expect(result).toMatchObject({ mailed: 3, done: true });
  });
});
