// The inbound-mail handler (functions/replies/inbound.ts): counted responses, and the same message
// delivered twice (stored and counted once). The fixture, a proposal with two consultees in the table
// in memory, is test/support/inbound-fixture.ts.
import { InvalidToken, SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { rawMailKey } from '../../functions/shared/config.js';
import { consulteeKey, replyKey } from '../../functions/shared/keys.js';
import { Reply } from '../../functions/shared/model/consultation.js';
import type { Item } from '../support/expressions.js';
import {
  buildMail,
  COLLECT_TOKEN,
  conflictTransaction,
  consultee,
  DOMAIN,
  ddb,
  deliver,
  EMAIL_A,
  EMAIL_B,
  events,
  PROPOSAL_ID,
  proposal,
  replies,
  reseed,
  SUBJECT,
  sfn,
  sha256,
  TOKEN_A,
  TOKEN_B,
  table,
  taskSuccesses,
  throttleConsulteeUpdate,
  useInboundFixture,
  writesOf,
} from '../support/inbound-fixture.js';

useInboundFixture();

describe('InboundMail: counted responses', () => {
  it('matches the consultee from a token that names them, and reads the consultee for an older token', async () => {
    const consulteeReads = (email: string) =>
      ddb
        .commandCalls(GetCommand)
        .filter((c) => c.args[0].input.Key?.SK === consulteeKey(PROPOSAL_ID, email).SK).length;
    await deliver(await buildMail({ messageId: '<named-token@mail.example>' }));
    await deliver(await buildMail({ from: EMAIL_B, messageId: '<older-token@mail.example>' }), {
      to: `consult+${TOKEN_B}@${DOMAIN}`,
    });

    expect(consulteeReads(EMAIL_A)).toBe(0);
    expect(consulteeReads(EMAIL_B)).toBe(1);
    expect(table.get(consulteeKey(PROPOSAL_ID, EMAIL_A))).toMatchObject({ status: 'responded' });
    expect(table.get(consulteeKey(PROPOSAL_ID, EMAIL_B))).toMatchObject({ status: 'responded' });
    expect(events().map((e) => e.detail)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Cllr Siân Jones'),
        expect.stringContaining('Robin Hollis'),
      ]),
    );
  });

  it('stores the reply, updates the consultee, the summary and the timeline', async () => {
    const messageId = '<first-reply-1@mail.example>';
    await expect(deliver(await buildMail({ messageId }), { sesId: 'ses-1' })).resolves.toEqual({
      disposition: 'CONTINUE',
    });

    const stored = replies();
    expect(stored).toHaveLength(1);
    const item = table.get(replyKey(PROPOSAL_ID, sha256(messageId))) as Item;
    const { PK: _pk, SK: _sk, type, ...fields } = item;
    expect(type).toBe('reply');
    expect(Reply.parse(fields)).toEqual({
      replyId: sha256(messageId),
      proposalId: PROPOSAL_ID,
      consulteeEmail: EMAIL_A,
      kind: 'response',
      messageId,
      from: EMAIL_A,
      subject: SUBJECT,
      receivedAt: '2026-12-08T10:00:05.000Z',
      stance: 'support',
      stanceReason: 'the keyword on the first line: "SUPPORT"',
      comment: 'SUPPORT\n\nThe parish council agreed on Tuesday.',
      late: false,
      senderMismatch: false,
      rawKey: rawMailKey('ses-1'),
    });

    expect(consultee(EMAIL_A)).toMatchObject({
      status: 'responded',
      stance: 'support',
      stanceReason: 'the keyword on the first line: "SUPPORT"',
      respondedAt: '2026-12-08T10:00:00.000Z',
      comment: 'SUPPORT\n\nThe parish council agreed on Tuesday.',
      replyId: sha256(messageId),
      late: false,
      senderMismatch: false,
    });
    expect(proposal().consultation).toMatchObject({
      responded: 1,
      tally: { support: 1, concerns: 0, object: 0, unclassified: 0 },
    });
    expect(events()).toHaveLength(1);
    expect(events()[0]).toMatchObject({
      event: 'reply-received',
      detail: 'Cllr Siân Jones replied: support.',
    });
    // One of two consultees has answered: the workflow keeps waiting.
    expect(taskSuccesses()).toHaveLength(0);
  });

  it('closes early with exactly one SendTaskSuccess when the last consultee responds', async () => {
    await deliver(await buildMail({ text: 'OBJECT' }));
    expect(taskSuccesses()).toHaveLength(0);
    await deliver(
      await buildMail({ from: `Robin Hollis <${EMAIL_B.toLowerCase()}>`, text: 'I have no objection.' }),
      {
        to: `consult+${TOKEN_B}@${DOMAIN}`,
      },
    );

    expect(consultee(EMAIL_B)).toMatchObject({
      status: 'responded',
      stance: 'support',
      senderMismatch: false,
    });
    expect(proposal().consultation).toMatchObject({
      responded: 2,
      tally: { support: 1, concerns: 0, object: 1, unclassified: 0 },
    });
    expect(taskSuccesses()).toHaveLength(1);
    expect(taskSuccesses()[0]?.args[0].input).toEqual({
      taskToken: COLLECT_TOKEN,
      output: JSON.stringify({ closedEarly: true }),
    });
  });

  it('counts an unclassified response: it is kept for triage, and the consultee has answered', async () => {
    await deliver(await buildMail({ text: 'Thanks, I will read this at the weekend.' }));
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'responded', stance: 'unclassified' });
    expect(proposal().consultation).toMatchObject({ tally: { unclassified: 1 } });
  });

  it('does not close early while CollectResponses has not stored its token yet', async () => {
    reseed({ collectTaskToken: null });
    await deliver(await buildMail({}));
    await deliver(await buildMail({ from: EMAIL_B, text: 'SUPPORT' }), {
      to: `consult+${TOKEN_B}@${DOMAIN}`,
    });
    expect(taskSuccesses()).toHaveLength(0);
  });

  it.each([
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'Task Does Not Exist', $metadata: {} })],
    ['TaskTimedOut', new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['InvalidToken', new InvalidToken({ message: 'Invalid Token', $metadata: {} })],
  ])('treats %s from SendTaskSuccess as already closed', async (_name, error) => {
    sfn.on(SendTaskSuccessCommand).rejects(error);
    await deliver(await buildMail({}));
    await expect(
      deliver(await buildMail({ from: EMAIL_B, text: 'SUPPORT' }), { to: `consult+${TOKEN_B}@${DOMAIN}` }),
    ).resolves.toEqual({ disposition: 'CONTINUE' });
    expect(taskSuccesses()).toHaveLength(1);
  });

  it('fails (for a retry) when SendTaskSuccess fails for another reason', async () => {
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await deliver(await buildMail({}));
    await expect(
      deliver(await buildMail({ from: EMAIL_B, text: 'SUPPORT' }), { to: `consult+${TOKEN_B}@${DOMAIN}` }),
    ).rejects.toThrow('Rate exceeded');
  });

  it('matches the consultee whatever the case of the token and the From address', async () => {
    await deliver(await buildMail({ from: 'A.Jones@Tenterden.EXAMPLE' }), {
      to: `Consult+${TOKEN_A.toUpperCase()}@${DOMAIN.toUpperCase()}`,
    });
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'responded', senderMismatch: false });
  });
});

describe('InboundMail: the same message delivered twice', () => {
  it('counts a duplicate Message-ID once', async () => {
    const raw = await buildMail({ messageId: '<twice@mail.example>' });
    await deliver(raw, { sesId: 'ses-first', receivedAt: '2026-12-08T10:00:05.000Z' });
    await deliver(raw, { sesId: 'ses-second', receivedAt: '2026-12-08T10:03:00.000Z' });

    const replyPuts = writesOf('Put').filter((input) => String(input.Item?.SK).startsWith('REPLY#'));
    // The first in one transaction with its effects; the second refused there, then on its own.
    expect(replyPuts).toHaveLength(3);
    for (const put of replyPuts) expect(put.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(replies()).toHaveLength(1);
    expect(replies()[0]).toMatchObject({
      rawKey: rawMailKey('ses-first'),
      receivedAt: '2026-12-08T10:00:05.000Z',
    });
    expect(events()).toHaveLength(1);
    expect(proposal().consultation).toMatchObject({ responded: 1, tally: { support: 1 } });
  });

  it('writes nothing when its one transaction fails, and the retry counts the reply once', async () => {
    const raw = await buildMail({ messageId: '<throttled@mail.example>' });
    table.failNext(throttleConsulteeUpdate);
    await expect(deliver(raw, { sesId: 'ses-t' })).rejects.toThrow('Rate exceeded');
    expect(replies()).toHaveLength(0);
    expect(events()).toHaveLength(0);
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'mailed' });

    await deliver(raw, { sesId: 'ses-t' });
    expect(replies()).toHaveLength(1);
    expect(events()).toHaveLength(1);
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'responded', stance: 'support' });
    expect(proposal().consultation).toMatchObject({ responded: 1, tally: { support: 1 } });
  });

  it('still counts the reply when the first attempt failed after storing it (the retry completes it)', async () => {
    const raw = await buildMail({ messageId: '<half-done@mail.example>' });
    // The one-transaction path refused, the step-by-step path stores the reply, then fails.
    table.failNext(conflictTransaction);
    table.failNext(throttleConsulteeUpdate);
    await expect(deliver(raw, { sesId: 'ses-x' })).rejects.toThrow('Rate exceeded');
    expect(replies()).toHaveLength(1);
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'mailed' });

    await deliver(raw, { sesId: 'ses-x' });
    expect(replies()).toHaveLength(1);
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'responded', stance: 'support' });
    expect(proposal().consultation).toMatchObject({ responded: 1 });
  });
});
