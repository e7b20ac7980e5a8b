// The inbound-mail handler (functions/replies/inbound.ts): replies kept but not counted, a finished
// proposal, and delivery reports. The fixture, a proposal with two consultees in the table in memory,
// is test/support/inbound-fixture.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  buildMail,
  consultee,
  consulteeItem,
  DOMAIN,
  ddb,
  deliver,
  EMAIL_A,
  EMAIL_B,
  events,
  FIXTURES,
  proposal,
  replies,
  TOKEN_A,
  TOKEN_B,
  table,
  taskSuccesses,
  useInboundFixture,
} from '../support/inbound-fixture.js';

useInboundFixture();

describe('InboundMail: replies that are kept but not counted', () => {
  it('keeps a reply received after the deadline with late: true, out of the tally', async () => {
    await deliver(await buildMail({ text: 'OBJECT', date: '2026-12-15T16:59:00Z' }), {
      receivedAt: '2026-12-15T17:00:01.000Z',
    });
    expect(replies()[0]).toMatchObject({
      kind: 'response',
      stance: 'object',
      late: true,
      senderMismatch: false,
    });
    expect(consultee(EMAIL_A)).toMatchObject({
      status: 'mailed',
      stance: null,
      late: true,
      respondedAt: null,
    });
    expect(proposal().consultation).toMatchObject({
      responded: 0,
      late: 1,
      tally: { support: 0, concerns: 0, object: 0, unclassified: 0 },
    });
    expect(events()[0]?.detail).toBe(
      'Cllr Siân Jones: reply after the deadline (object); kept, not counted.',
    );
    expect(taskSuccesses()).toHaveLength(0);
  });

  it('leaves a counted response and its flags alone when a late reply follows it', async () => {
    await deliver(await buildMail({ text: 'SUPPORT' }));
    await deliver(await buildMail({ text: 'OBJECT', date: '2026-12-16T09:00:00Z' }), {
      receivedAt: '2026-12-16T09:00:05.000Z',
    });
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'responded', stance: 'support', late: false });
    expect(replies()).toHaveLength(2);
  });

  it('keeps a reply from another address with senderMismatch: true, out of the tally', async () => {
    await deliver(await buildMail({ from: 'Office <office@tenterden-tc.example>', text: 'SUPPORT' }));
    expect(replies()[0]).toMatchObject({
      senderMismatch: true,
      late: false,
      from: 'office@tenterden-tc.example',
    });
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'mailed', stance: null, senderMismatch: true });
    expect(proposal().consultation).toMatchObject({ responded: 0, tally: { support: 0 } });
    expect(events()[0]?.detail).toContain('not counted until a manager accepts it');
    expect(taskSuccesses()).toHaveLength(0);
  });

  it.each([
    ['DMARC fails', { spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' }, true],
    ['SPF fails with no DKIM signature', { spf: 'FAIL', dkim: 'GRAY', dmarc: 'GRAY' }, true],
    ['SPF fails but DKIM passes', { spf: 'FAIL', dkim: 'PASS', dmarc: 'GRAY' }, false],
    ['the domain publishes no policy', { spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' }, false],
    [
      'the checks could not run',
      { spf: 'PROCESSING_FAILED', dkim: 'PROCESSING_FAILED', dmarc: 'PROCESSING_FAILED' },
      false,
    ],
  ])(
    "holds a reply in the consultee's name when %s: %s -> held %s (issue 21)",
    async (_c, verdicts, held) => {
      await deliver(await buildMail({ text: 'SUPPORT' }), { verdicts });
      expect(replies()[0]).toMatchObject({ senderMismatch: held, ...(held ? { authFailed: true } : {}) });
      expect(proposal().consultation).toMatchObject({ tally: { support: held ? 0 : 1 } });
      if (held) expect(events()[0]?.detail).toContain('failed sender authentication');
    },
  );

  it('stores an auto-reply and changes nothing else', async () => {
    const raw = readFileSync(join(FIXTURES, 'replies', '20-out-of-office.eml'));
    await deliver(raw);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]).toMatchObject({ kind: 'auto-reply', stance: null });
    expect(consultee(EMAIL_A)).toEqual(consulteeItem(EMAIL_A, 'Cllr Siân Jones'));
    expect(events()).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(taskSuccesses()).toHaveLength(0);
  });
});

describe('InboundMail: a finished proposal', () => {
  it.each(['withdrawn', 'approved', 'rejected'])(
    'keeps a reply to a %s proposal and changes nothing',
    async (status) => {
      table.put({ ...proposal(), status });
      await deliver(await buildMail({ text: 'OBJECT' }));
      await deliver(await buildMail({ from: EMAIL_B, text: 'OBJECT' }), {
        to: `consult+${TOKEN_B}@${DOMAIN}`,
      });
      expect(replies()).toHaveLength(2);
      expect(consultee(EMAIL_A)).toEqual(consulteeItem(EMAIL_A, 'Cllr Siân Jones'));
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
      expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
      expect(events()).toHaveLength(0);
      expect(taskSuccesses()).toHaveLength(0);
    },
  );
});

describe('InboundMail: delivery reports', () => {
  const dsn = () => readFileSync(join(FIXTURES, 'replies', '22-delivery-status-notification.eml'));

  it('marks the consultee bounced and adds a timeline event', async () => {
    await deliver(dsn(), { to: `consult+${TOKEN_B}@${DOMAIN}`, source: '' });
    expect(replies()[0]).toMatchObject({ kind: 'delivery-report', stance: null, consulteeEmail: EMAIL_B });
    expect(consultee(EMAIL_B)).toMatchObject({ status: 'bounced' });
    expect(proposal().consultation).toMatchObject({ bounced: 1 });
    expect(events()).toHaveLength(1);
    expect(events()[0]).toMatchObject({ event: 'consultee-bounced' });
  });

  it('finds the consultee through the bounced mail when the report came to another address', async () => {
    const raw = Buffer.from(
      dsn().toString('latin1').replaceAll('0f4c2a9b7d1e3f5a6b8c9d0e1f2a3b4c', TOKEN_B),
      'latin1',
    );
    await deliver(raw, { to: `bounces@${DOMAIN}`, source: '' });
    expect(consultee(EMAIL_B)).toMatchObject({ status: 'bounced' });
  });

  it('closes early when the bounce leaves only consultees who have answered', async () => {
    await deliver(await buildMail({ text: 'SUPPORT' }));
    expect(taskSuccesses()).toHaveLength(0);
    await deliver(dsn(), { to: `consult+${TOKEN_B}@${DOMAIN}`, source: '' });
    expect(taskSuccesses()).toHaveLength(1);
  });

  it('never marks a consultee bounced who has a counted response', async () => {
    await deliver(await buildMail({ from: EMAIL_B, text: 'SUPPORT' }), {
      to: `consult+${TOKEN_B}@${DOMAIN}`,
    });
    await deliver(dsn(), { to: `consult+${TOKEN_B}@${DOMAIN}`, source: '' });
    expect(consultee(EMAIL_B)).toMatchObject({ status: 'responded', stance: 'support' });
  });

  it('does not mark bounced for a report that names another failed address', async () => {
    await deliver(dsn(), { to: `consult+${TOKEN_A}@${DOMAIN}`, source: '' });
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'mailed' });
    expect(replies()[0]).toMatchObject({ kind: 'delivery-report' });
  });
  it('keeps a report the consultee forged (their own envelope sender) and changes nothing', async () => {
    // Issue 15: a DSN-shaped mail from the consultee's own mailbox is no proof of a failed delivery.
    await deliver(dsn(), { to: `consult+${TOKEN_B}@${DOMAIN}`, source: EMAIL_B });
    expect(replies()[0]).toMatchObject({ kind: 'delivery-report' });
    expect(consultee(EMAIL_B)).toMatchObject({ status: 'mailed' });
    expect(events()).toHaveLength(0);
    expect(taskSuccesses()).toHaveLength(0);
  });

  it('keeps a null-sender report whose From is the consultee, and changes nothing', async () => {
    const raw = Buffer.from(
      dsn().toString('latin1').replace('MAILER-DAEMON@mail-out.tenterden.example', EMAIL_B),
      'latin1',
    );
    await deliver(raw, { to: `consult+${TOKEN_B}@${DOMAIN}`, source: '' });
    expect(consultee(EMAIL_B)).toMatchObject({ status: 'mailed' });
  });
});
