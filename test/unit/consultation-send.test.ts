import { createHash } from 'node:crypto';
import { PutObjectCommand, type PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import {
  GetSendQuotaCommand,
  SESClient,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-ses';
import { BatchWriteCommand, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/consultation/send.handler.js';
import { MAIL_CONCURRENCY, sendConsultation } from '../../functions/consultation/send.js';
import { mapBounded } from '../../functions/shared/bounded.js';
import { DEADLINE, FakeTable, PROPOSAL_ID } from '../support/consultation-table.js';
import { mockDocumentClient, writesSent } from '../support/dynamo-rules.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();
const s3 = mockClient(S3Client);
const ses = mockClient(SESClient);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const mails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input as SendEmailCommandInput);
const recipient = (mail: SendEmailCommandInput) => mail.Destination?.ToAddresses?.[0];
const tokenOf = (mail: SendEmailCommandInput) =>
  /^consult\+([0-9a-f]{32})@replies\.example$/.exec(mail.ReplyToAddresses?.[0] ?? '')?.[1];
const everyDynamoWrite = () => JSON.stringify(ddb.calls().map((c) => c.args[0].input));

const EMAILS = ['a@council.example', 'b@council.example', 'c@parish.example'];

unitEnv(
  {
    DPIA_EVIDENCE_BUCKET: 'camera-dpia-evidence',
    DPIA_INBOUND_DOMAIN: 'replies.example',
    DPIA_SENDER_ADDRESS: 'dpia@police.example',
  },
  { each: true },
);
beforeEach(() => {
  ddb.reset();
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 1000, Max24HourSend: 1_000_000, SentLast24Hours: 0 });
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
});

afterEach(() => {
  vi.useRealTimers();
});

describe('SendConsultation', () => {
  it('mails every consultee once with a personal Reply-To whose token is stored only hashed', async () => {
    const table = new FakeTable('scoring', EMAILS);
    table.install(ddb);

    const result = await sendConsultation(PROPOSAL_ID);

    const sent = mails();
    expect(sent.map(recipient).sort()).toEqual([...EMAILS].sort());
    const tokens = sent.map(tokenOf);
    expect(tokens.every((t) => typeof t === 'string')).toBe(true);
    expect(new Set(tokens).size).toBe(EMAILS.length);

    for (const mail of sent) {
      const token = tokenOf(mail) as string;
      expect(table.tokens.get(`TOKEN#${sha256(token)}`)).toMatchObject({
        SK: 'TOKEN',
        type: 'reply-token',
        proposalId: PROPOSAL_ID,
        email: recipient(mail),
      });
      expect(mail.Source).toBe('dpia@police.example');
      expect(mail.Message?.Subject?.Data).toContain('[DPIA-2026-0001]');
      const body = `${mail.Message?.Subject?.Data}${mail.Message?.Body?.Text?.Data}${mail.Message?.Body?.Html?.Data}`;
      for (const trace of ['Zanzibarquux', 'Qwertyfield', '51.0686', '51.069', '0.6862']) {
        expect(body).not.toContain(trace);
      }
    }
    // The raw token reaches SES only: no DynamoDB request ever carries it.
    const writes = everyDynamoWrite();
    for (const token of tokens) expect(writes).not.toContain(token as string);

    for (const email of EMAILS) {
      expect(table.consultee(email)).toMatchObject({ mailMarker: 'sent', status: 'mailed' });
      expect(table.consultee(email).mailedAt).toEqual(expect.any(String));
    }
    expect(table.proposal.status).toBe('consulting');
    expect(table.proposal.consultation).toMatchObject({ mailed: 3 });
    expect(table.events.map((e) => e.event)).toEqual(['consultation-mailed']);
    expect(table.events[0]?.detail).toContain('3 consultation e-mails sent');
    expect(result.mailed).toBe(3);
  });

  it('skips a consultee already marked, and counts everyone mailed in total', async () => {
    const table = new FakeTable('consulting', EMAILS, { 'b@council.example': 'sent' });
    table.install(ddb);

    const result = await sendConsultation(PROPOSAL_ID);

    expect(mails().map(recipient).sort()).toEqual(['a@council.example', 'c@parish.example']);
    expect(result.mailed).toBe(3);
  });

  it("stores each letter's reply token, 25 to a request, before that letter goes out", async () => {
    const many = Array.from({ length: 60 }, (_, i) => `cllr${i}@parish.example`);
    const table = new FakeTable('scoring', many);
    table.install(ddb);
    const tokenStoredWhenSent: boolean[] = [];
    ses.on(SendEmailCommand).callsFake(async (input: SendEmailCommandInput) => {
      tokenStoredWhenSent.push(table.tokens.has(`TOKEN#${sha256(tokenOf(input) as string)}`));
      return { MessageId: 'ses-1' };
    });

    await sendConsultation(PROPOSAL_ID);

    expect(tokenStoredWhenSent).toHaveLength(60);
    expect(tokenStoredWhenSent.every(Boolean)).toBe(true);
    for (const call of ddb.commandCalls(BatchWriteCommand)) {
      expect(Object.values(call.args[0].input.RequestItems ?? {}).flat().length).toBeLessThanOrEqual(25);
    }
    // The evidence keeps a copy of every letter, at most 50 to an object, without the reply tokens
    // (each object is written before its letters go, then again with SES's ids: the last write counts).
    const objects = new Map<string, PutObjectCommandInput>();
    for (const c of s3.commandCalls(PutObjectCommand))
      objects.set(String(c.args[0].input.Key), c.args[0].input);
    const kept = [...objects.values()];
    const perObject = kept.map((put) => JSON.parse(String(put.Body)) as unknown[]);
    const copies = perObject.flat();
    expect(kept.every((put) => put.Bucket === 'camera-dpia-evidence')).toBe(true);
    expect(Math.max(...perObject.map((o) => o.length))).toBeLessThanOrEqual(50);
    expect(copies.every((c) => (c as { sendConfirmed: boolean }).sendConfirmed)).toBe(true);
    expect(copies).toHaveLength(60);
    expect(new Set(copies.map((c) => (c as { to: string }).to)).size).toBe(60);
    expect(JSON.stringify(copies)).not.toMatch(/consult\+[0-9a-f]{32}@/);
    const stored = new Set([...table.tokens.keys()]);
    for (const mail of mails()) expect(stored.has(`TOKEN#${sha256(tokenOf(mail) as string)}`)).toBe(true);
  });

  it('claims and marks its consultees in transactions rather than one write each, and a consultee another run holds is skipped', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `cllr${i}@parish.example`);
    const table = new FakeTable('scoring', many);
    // Claimed by another run just now (after our read of the list): the batch's transaction is
    // cancelled and redone item by item, and that consultee is left to the other run.
    table.staleConsulteeList = true;
    table.consultee('cllr20@parish.example').mailMarker = 'sending';
    table.consultee('cllr20@parish.example').claimedAt = Date.now();
    table.install(ddb);

    const result = await sendConsultation(PROPOSAL_ID);

    expect(mails().map(recipient)).not.toContain('cllr20@parish.example');
    expect(mails()).toHaveLength(59);
    expect(new Set(mails().map(recipient)).size).toBe(59);
    expect(table.consultee('cllr20@parish.example')).toMatchObject({
      mailMarker: 'sending',
      status: 'pending',
    });
    for (const email of many.filter((e) => e !== 'cllr20@parish.example')) {
      expect(table.consultee(email)).toMatchObject({ mailMarker: 'sent', status: 'mailed' });
    }
    // Fewer requests than consultees: the one-by-one writes are only the cancelled batch's.
    const transactions = ddb.commandCalls(TransactWriteCommand).length;
    const singles = ddb.commandCalls(UpdateCommand).length;
    expect(transactions).toBeGreaterThan(0);
    expect(transactions + singles).toBeLessThan(60);
    // Another run holds one: this one comes back shortly to see it through.
    expect(result).toMatchObject({ done: false, waitSeconds: 1 });
  });

  it('keeps a bounce that came back before the consultee was marked mailed', async () => {
    const table = new FakeTable('scoring', EMAILS);
    table.install(ddb);
    ses.on(SendEmailCommand).callsFake(async (input: SendEmailCommandInput) => {
      // The bounce handler's write, landing between the send and the mailed mark.
      if (recipient(input) === 'b@council.example') table.consultee('b@council.example').status = 'bounced';
      return { MessageId: 'ses-1' };
    });

    await sendConsultation(PROPOSAL_ID);

    expect(table.consultee('b@council.example')).toMatchObject({ status: 'bounced', mailMarker: 'sent' });
    expect(table.consultee('a@council.example')).toMatchObject({ status: 'mailed', mailMarker: 'sent' });
    expect(table.proposal.consultation).toMatchObject({ mailed: 3, bounced: 1 });
  });

  it('sends nothing on a replay', async () => {
    const table = new FakeTable('scoring', EMAILS);
    table.install(ddb);
    await sendConsultation(PROPOSAL_ID);
    const tokensAfterFirst = table.tokens.size;
    ses.resetHistory();

    const again = await sendConsultation(PROPOSAL_ID);

    expect(mails()).toHaveLength(0);
    expect(table.tokens.size).toBe(tokensAfterFirst);
    expect(table.events).toHaveLength(1);
    expect(again.mailed).toBe(3);
  });

  it('sends nothing when a replay reads the consultees before the markers (the condition holds the line)', async () => {
    const table = new FakeTable('scoring', EMAILS);
    table.install(ddb);
    await sendConsultation(PROPOSAL_ID);
    ses.resetHistory();
    table.staleConsulteeList = true;

    await sendConsultation(PROPOSAL_ID);

    expect(mails()).toHaveLength(0);
  });

  it('clears the marker and rethrows when SES fails, so a retry mails that consultee', async () => {
    const table = new FakeTable('scoring', EMAILS);
    table.install(ddb);
    const failure = Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' });
    ses.on(SendEmailCommand).callsFake(async (input: SendEmailCommandInput) => {
      if (recipient(input) === 'b@council.example') throw failure;
      return { MessageId: 'ses-ok' };
    });

    await expect(sendConsultation(PROPOSAL_ID)).rejects.toBe(failure);

    expect(table.consultee('b@council.example')).toMatchObject({ mailMarker: null, status: 'pending' });
    expect(table.consultee('a@council.example')).toMatchObject({ mailMarker: 'sent', status: 'mailed' });
    expect(table.consultee('c@parish.example')).toMatchObject({ mailMarker: 'sent', status: 'mailed' });
    // Those who were mailed are on record even though the task failed.
    expect(table.proposal.consultation).toMatchObject({ mailed: 2 });
    expect(table.events.map((e) => e.detail)).toEqual([
      '2 consultation e-mails sent; 2 of 3 consultees mailed',
    ]);

    ses.reset();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });
    const retry = await sendConsultation(PROPOSAL_ID);

    expect(mails().map(recipient)).toEqual(['b@council.example']);
    expect(retry.mailed).toBe(3);
    expect(table.events.at(-1)?.detail).toBe('1 consultation e-mail sent; 3 of 3 consultees mailed');
  });

  it.each(['withdrawn', 'failed', 'awaiting-approval', 'submitted'])(
    'sends nothing for a %s proposal',
    async (status) => {
      const table = new FakeTable(status, EMAILS);
      table.install(ddb);

      const result = await sendConsultation(PROPOSAL_ID);

      expect(mails()).toHaveLength(0);
      expect(writesSent(ddb)).toEqual([]);
      expect(table.proposal.status).toBe(status);
      expect(result.mailed).toBe(0);
    },
  );

  it('sends nothing when the proposal is withdrawn between the read and the status change', async () => {
    const table = new FakeTable('withdrawn', EMAILS);
    table.install(ddb);
    const scoring = { ...structuredClone(table.proposal), status: 'scoring' };
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: scoring })
      .callsFake(async () => ({ Item: table.proposal }));

    await sendConsultation(PROPOSAL_ID);

    expect(mails()).toHaveLength(0);
    expect(table.proposal.status).toBe('withdrawn');
  });

  it('returns the whole seconds left to the deadline, and at least 1', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const table = new FakeTable('scoring', EMAILS);
    table.install(ddb);

    vi.setSystemTime(Date.parse(DEADLINE) - 3_600_500);
    expect((await sendConsultation(PROPOSAL_ID)).secondsToDeadline).toBe(3601);

    vi.setSystemTime(Date.parse(DEADLINE) + 60_000);
    expect((await sendConsultation(PROPOSAL_ID)).secondsToDeadline).toBe(1);
  });

  it(`keeps at most ${MAIL_CONCURRENCY} mails in flight`, async () => {
    const many = Array.from({ length: 30 }, (_, i) => `c${i}@council.example`);
    new FakeTable('scoring', many).install(ddb);
    let inFlight = 0;
    let peak = 0;
    ses.on(SendEmailCommand).callsFake(async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      return { MessageId: 'ses-x' };
    });

    const result = await sendConsultation(PROPOSAL_ID);

    expect(mails()).toHaveLength(30);
    expect(peak).toBeLessThanOrEqual(MAIL_CONCURRENCY);
    expect(peak).toBeGreaterThan(1);
    expect(result.mailed).toBe(30);
  });

  it('starts no new work after a failure, and keeps results in order', async () => {
    const started: number[] = [];
    const work = async (n: number) => {
      started.push(n);
      if (n === 1) throw new Error('boom');
      return n * 10;
    };
    await expect(mapBounded([0, 1, 2, 3, 4, 5], 2, work)).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(6);
    await expect(mapBounded([3, 1, 2], 2, async (n) => n * 10)).resolves.toEqual([30, 10, 20]);
  });

  it('runs from the state machine Parameters through the handler', async () => {
    new FakeTable('scoring', EMAILS).install(ddb);
    const result = await handler({ proposalId: PROPOSAL_ID }, {} as Context);
    expect(result).toMatchObject({ mailed: 3, secondsToDeadline: expect.any(Number) });
    await expect(handler({}, {} as Context)).rejects.toThrow();
  });
});
