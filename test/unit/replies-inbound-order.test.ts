// The inbound-mail handler (functions/replies/inbound.ts): a later reply against an older one, unknown
// and forged tokens, the handler edge and its logs. The fixture, a proposal with two consultees in the
// table in memory, is test/support/inbound-fixture.ts.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/replies/inbound.handler.js';
import { proposalKey, unmatchedReplyKey } from '../../functions/shared/keys.js';
import type { Item } from '../support/expressions.js';
import {
  buildMail,
  COLLECT_TOKEN,
  consultee,
  consulteeItem,
  DOMAIN,
  ddb,
  deliver,
  EMAIL_A,
  events,
  FIXTURES,
  output,
  PROPOSAL_ID,
  proposal,
  replies,
  SES_EVENT,
  ses,
  sfn,
  sha256,
  TOKEN_A,
  TOKEN_B,
  table,
  useInboundFixture,
  writesOf,
} from '../support/inbound-fixture.js';

useInboundFixture();

describe('InboundMail: a later reply replaces the stance, an older one never does', () => {
  it('orders a consultee’s replies by when they were written, with a conditional update', async () => {
    await deliver(await buildMail({ text: 'SUPPORT', date: '2026-12-08T10:00:00Z', messageId: '<r1@m>' }), {
      receivedAt: '2026-12-08T10:00:05.000Z',
    });
    await deliver(await buildMail({ text: 'OBJECT', date: '2026-12-09T11:00:00Z', messageId: '<r2@m>' }), {
      receivedAt: '2026-12-09T11:00:05.000Z',
    });
    expect(consultee(EMAIL_A)).toMatchObject({
      stance: 'object',
      replyId: sha256('<r2@m>'),
      respondedAt: '2026-12-09T11:00:00.000Z',
    });

    // Written before the OBJECT reply, delivered after it (a queue somewhere held it back).
    await deliver(await buildMail({ text: 'CONCERNS', date: '2026-12-09T09:00:00Z', messageId: '<r0@m>' }), {
      receivedAt: '2026-12-10T08:00:00.000Z',
    });
    expect(consultee(EMAIL_A)).toMatchObject({ stance: 'object', replyId: sha256('<r2@m>') });
    expect(replies()).toHaveLength(3);
    expect(proposal().consultation).toMatchObject({
      responded: 1,
      tally: { object: 1, support: 0, concerns: 0 },
    });
    expect(events().map((e) => e.detail)).toContain(
      'Cllr Siân Jones: an earlier reply delivered late (concerns); their newer reply stands.',
    );

    // Two in a transaction with their reply; the older reply's refused there, then on its own.
    const consulteeUpdates = writesOf('Update').filter((input) =>
      String(input.Key?.SK).startsWith('CONSULTEE#'),
    );
    expect(consulteeUpdates).toHaveLength(4);
    for (const input of consulteeUpdates) expect(input.ConditionExpression).toContain('#respondedAt < :at');
  });

  it('does not let a Date header from the future outrank a later reply', async () => {
    await deliver(
      await buildMail({ text: 'SUPPORT', date: '2027-06-01T00:00:00Z', messageId: '<future@m>' }),
      {
        receivedAt: '2026-12-08T10:00:05.000Z',
      },
    );
    expect(consultee(EMAIL_A)).toMatchObject({ respondedAt: '2026-12-08T10:00:05.000Z' });
    await deliver(await buildMail({ text: 'OBJECT', date: '2026-12-09T10:00:00Z', messageId: '<later@m>' }), {
      receivedAt: '2026-12-09T10:00:05.000Z',
    });
    expect(consultee(EMAIL_A)).toMatchObject({ stance: 'object' });
  });
});

describe('InboundMail: unknown and forged tokens', () => {
  it.each([
    ['an unknown token', `consult+${randomBytes(16).toString('hex')}@${DOMAIN}`],
    ['a malformed token', `consult+not-a-token@${DOMAIN}`],
    ['no token at all', `dpia@${DOMAIN}`],
  ])('keeps mail to %s as unmatched, writes nothing else and sends no mail', async (_case, to) => {
    const messageId = '<stranger@elsewhere.example>';
    await expect(
      deliver(await buildMail({ messageId, from: 'stranger@elsewhere.example' }), { to }),
    ).resolves.toEqual({ disposition: 'CONTINUE' });
    const item = table.get(unmatchedReplyKey(sha256(messageId))) as Item;
    expect(item).toMatchObject({ kind: 'unmatched', proposalId: null, consulteeEmail: null, stance: null });
    const writes = [...ddb.commandCalls(PutCommand), ...ddb.commandCalls(UpdateCommand)];
    expect(writes).toHaveLength(1);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(consultee(EMAIL_A)).toEqual(consulteeItem(EMAIL_A, 'Cllr Siân Jones'));
    expect(ses.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('keeps a token whose proposal is gone as unmatched', async () => {
    table.remove(proposalKey(PROPOSAL_ID));
    await deliver(await buildMail({ messageId: '<orphan@m>' }));
    expect(table.get(unmatchedReplyKey(sha256('<orphan@m>')))).toMatchObject({ kind: 'unmatched' });
  });
});

describe('InboundMail: the handler edge and the logs', () => {
  it('refuses an event that is not an SES receipt event, with a clear error', async () => {
    await expect(handler({ Records: [] }, {} as Context)).rejects.toThrow(
      /InboundMail expects an SES receipt event/,
    );
    await expect(handler({ hello: 'world' }, {} as Context)).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('fails (so SES retries) when the raw message is not in the bucket', async () => {
    const event = structuredClone(SES_EVENT);
    await expect(handler(event, {} as Context)).rejects.toThrow();
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('never logs an address, a subject or a body', async () => {
    await deliver(await buildMail({ text: 'SUPPORT Zanzibarquux' }));
    await deliver(await buildMail({ text: 'OBJECT Zanzibarquux' }), {
      receivedAt: '2026-12-16T00:00:00.000Z',
    });
    await deliver(await buildMail({ from: 'other@elsewhere.example', text: 'Zanzibarquux' }));
    await deliver(await buildMail({ text: 'Zanzibarquux' }), { to: `consult+${'0'.repeat(32)}@${DOMAIN}` });
    await deliver(readFileSync(join(FIXTURES, 'replies', '20-out-of-office.eml')));
    const dsn = readFileSync(join(FIXTURES, 'replies', '22-delivery-status-notification.eml'));
    await deliver(dsn, { to: `consult+${TOKEN_B}@${DOMAIN}` });
    await deliver(dsn, { to: `consult+${TOKEN_B}@${DOMAIN}` });

    const logged = output.join('');
    expect(logged).toContain('"proposalId":"p-789"');
    expect(logged).toContain('"kind":"delivery-report"');
    expect(logged).not.toContain('@');
    expect(logged).not.toMatch(/Zanzibarquux|Consultation on the use|consult\+|Siân|Hollis/);
    for (const token of [TOKEN_A, TOKEN_B, COLLECT_TOKEN]) expect(logged).not.toContain(token);
  });
});
