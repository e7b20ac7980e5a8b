// Sending reminders (SPEC 10): who of the consultees is reminded, and the approver, each claimed
// once (a retry or a second attempt sends nothing twice), with the timeline event written once; and
// the SendReminder handler's edge. The shared mocks and table: test/support/reminder-table.ts.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendEmailCommand } from '@aws-sdk/client-ses';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { undecidedReason } from '../../functions/reminders/approver.js';
import { claimReminder, needsReminder } from '../../functions/reminders/consultees.js';
import { handler } from '../../functions/reminders/send.handler.js';
import { sendReminder } from '../../functions/reminders/send.js';
import { reviewUrl, signReview } from '../../functions/review/link.js';
import { reviewKey } from '../../functions/shared/keys.js';
import { remindOnce } from '../../functions/shared/store/markers.js';
import type { Item } from '../support/expressions.js';
import {
  approverRequest,
  consultee,
  consulteesRequest,
  ddb,
  everything,
  example,
  given,
  KEY,
  MIXED,
  mails,
  NOW,
  proposal,
  recipients,
  review,
  s3,
  ses,
  sha256,
  table,
  useReminderMocks,
} from '../support/reminder-table.js';

useReminderMocks();

describe('who the consultees reminder is for', () => {
  it('is every mailed consultee with no answer of any kind, and nobody else', () => {
    expect(MIXED.filter(needsReminder).map((c) => c.email)).toEqual([
      'silent-a@council.example',
      'silent-b@parish.example',
    ]);
    expect(needsReminder(consultee('x@e.example', { reminderMarker: 'sent' }))).toBe(false);
    expect(needsReminder(consultee('x@e.example', { reminderMarker: 'sending' }))).toBe(false);
    expect(needsReminder(consultee('x@e.example', { mailMarker: 'sending' }))).toBe(false);
  });

  it('claims with the same test in DynamoDB: an answer or a bounce after the listing stops the mail', async () => {
    given(proposal(), [consultee('a@e.example'), consultee('b@e.example')]);
    expect(await claimReminder('p-1', 'a@e.example')).toBe(true);
    expect(await claimReminder('p-1', 'a@e.example')).toBe(false); // a second attempt
    table.put({ ...(table.get('PROPOSAL#p-1', 'CONSULTEE#b@e.example') as Item), status: 'responded' });
    expect(await claimReminder('p-1', 'b@e.example')).toBe(false);
    table.put({
      ...(table.get('PROPOSAL#p-1', 'CONSULTEE#b@e.example') as Item),
      status: 'mailed',
      senderMismatch: true,
    });
    expect(await claimReminder('p-1', 'b@e.example')).toBe(false);
  });
});

describe('SendReminder for the consultees', () => {
  it('mails each consultee with no reply once, from the public letter, with a fresh reply token of theirs', async () => {
    given(proposal(), MIXED);

    const result = await sendReminder(consulteesRequest, NOW);

    expect(result).toEqual({ kind: 'consultees', reminded: 2, sent: 2 });
    expect(recipients().sort()).toEqual(['silent-a@council.example', 'silent-b@parish.example']);
    for (const mail of mails()) {
      expect(mail.Message?.Subject?.Data).toMatch(/^Reminder: .*\[DPIA-2026-0042\]$/);
      expect(everything(mail)).toContain('Tenterden');
      expect(everything(mail)).not.toContain(example.site.description);
      expect(everything(mail)).not.toContain(String(example.site.latitude));
      const token = /^consult\+([0-9a-f]{32})@replies\.example$/.exec(mail.ReplyToAddresses?.[0] ?? '')?.[1];
      // Only the hash is stored, and it leads to this consultee of this proposal.
      expect(table.get(`TOKEN#${sha256(token as string)}`, 'TOKEN')).toMatchObject({
        proposalId: 'p-1',
        email: mail.Destination?.ToAddresses?.[0],
      });
      expect(JSON.stringify(ddb.calls().map((c) => c.args[0].input))).not.toContain(token as string);
    }
    expect(table.get('PROPOSAL#p-1', 'CONSULTEE#silent-a@council.example')).toMatchObject({
      reminderMarker: 'sent',
    });
    expect(table.ofPrefix('EVENT#').map((e) => e.detail)).toEqual([
      'Reminder sent to 2 consultees who have not replied',
    ]);
    // Evidence copies, credentials withheld.
    const copies = s3.commandCalls(PutObjectCommand).map((c) => String(c.args[0].input.Body));
    expect(copies.join('')).toContain('consultation-reminder');
    expect(copies.join('')).toContain('[reply token withheld]');
  });

  it('sends nothing twice when the task runs again, and records the reminder once', async () => {
    given(proposal(), MIXED);
    await sendReminder(consulteesRequest, NOW);
    await sendReminder(consulteesRequest, new Date(NOW.getTime() + 5000));
    expect(mails()).toHaveLength(2);
    expect(table.ofPrefix('EVENT#')).toHaveLength(1);
  });

  it('finishes a crashed attempt: reminds the rest and counts everyone in one event', async () => {
    const remindedBefore = consultee('silent-a@council.example', { reminderMarker: 'sent' });
    given(proposal(), [...MIXED.slice(0, 4), remindedBefore, consultee('silent-b@parish.example')]);
    const result = await sendReminder(consulteesRequest, NOW);
    expect(recipients()).toEqual(['silent-b@parish.example']);
    expect(result.reminded).toBe(2);
    expect(table.ofPrefix('EVENT#').map((e) => e.detail)).toEqual([
      'Reminder sent to 2 consultees who have not replied',
    ]);
  });

  it.each([
    [
      'closed early',
      proposal({
        status: 'awaiting-approval',
        consultation: { ...proposal().consultation, closedAt: '2026-12-10T09:00:00.000Z' },
      }),
    ],
    ['withdrawn', proposal({ status: 'withdrawn' })],
    ['past its deadline', proposal({ input: { ...example, responseDeadline: '2026-12-10T08:59:59.000Z' } })],
  ])('sends nothing once the consultation is %s', async (_, p) => {
    given(p, MIXED);
    expect(await sendReminder(consulteesRequest, NOW)).toMatchObject({ reminded: 0, sent: 0 });
    expect(mails()).toEqual([]);
    expect(table.ofPrefix('EVENT#')).toEqual([]);
    expect(
      ddb.commandCalls(UpdateCommand).filter((c) => String(c.args[0].input.Key?.SK).startsWith('CONSULTEE#')),
    ).toEqual([]);
  });

  it('gives the claim back when SES refuses, so the retry of the task can remind them', async () => {
    given(proposal(), [consultee('silent-a@council.example')]);
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('throttled'), { name: 'Throttling' }));
    await expect(sendReminder(consulteesRequest, NOW)).rejects.toThrow('throttled');
    expect(table.get('PROPOSAL#p-1', 'CONSULTEE#silent-a@council.example')?.reminderMarker).toBeUndefined();
    expect(table.ofPrefix('EVENT#')).toEqual([]);

    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });
    expect(await sendReminder(consulteesRequest, NOW)).toMatchObject({ reminded: 1, sent: 1 });
    expect(table.ofPrefix('EVENT#').map((e) => e.detail)).toEqual([
      'Reminder sent to 1 consultee who has not replied',
    ]);
  });
});

describe('SendReminder for the approver', () => {
  const waiting = () => proposal({ status: 'awaiting-approval', reviewId: 'rev-1' });

  it('repeats the very link first sent, once, and says so on the timeline', async () => {
    given(waiting(), [], [review()]);
    expect(await sendReminder(approverRequest, NOW)).toMatchObject({ reminded: 1, sent: 1 });
    expect(recipients()).toEqual([example.approver.email]);
    const [mail] = mails();
    expect(mail?.Message?.Subject?.Data).toMatch(/^Reminder: .*\[DPIA-2026-0042\]$/);
    expect(mail?.Message?.Body?.Text?.Data).toContain(
      reviewUrl('https://dpia.example.police.uk', 'rev-1', signReview(KEY, review())),
    );
    expect(table.ofPrefix('EVENT#').map((e) => e.detail)).toEqual([
      expect.stringMatching(/^Reminder sent to the approver, /),
    ]);

    await sendReminder(approverRequest, NOW);
    expect(mails()).toHaveLength(1);
    expect(table.ofPrefix('EVENT#')).toHaveLength(1);
  });

  it.each([
    ['decided', waiting(), review({ state: 'decided' })],
    ['void (link re-issued or proposal withdrawn)', waiting(), review({ state: 'void' })],
    ['expired', waiting(), review({ expiresAt: '2026-12-10T08:00:00.000Z' })],
    ['superseded by a newer review', proposal({ status: 'awaiting-approval', reviewId: 'rev-2' }), review()],
    ['of a decided proposal', proposal({ status: 'approved', reviewId: 'rev-1' }), review()],
  ])('sends nothing when the review is %s', async (_, p, r) => {
    given(p, [], [r]);
    expect(await sendReminder(approverRequest, NOW)).toMatchObject({ reminded: 0, sent: 0 });
    expect(mails()).toEqual([]);
    expect(table.ofPrefix('EVENT#')).toEqual([]);
  });

  it('claims only an open, unexpired review whose link went out', async () => {
    const claimApproverReminder = (reviewId: string, at: Date) =>
      remindOnce(reviewKey(reviewId), at, async () => undefined);
    given(waiting(), [], [review(), review({ reviewId: 'rev-d', state: 'decided' })]);
    expect(await claimApproverReminder('rev-d', NOW)).toBe(false);
    expect(await claimApproverReminder('rev-1', new Date('2026-12-30T00:00:00.000Z'))).toBe(false);
    expect(await claimApproverReminder('rev-1', NOW)).toBe(true);
    expect(await claimApproverReminder('rev-1', NOW)).toBe(false);
    expect(undecidedReason(waiting(), review({ mailMarker: 'sending' }), NOW)).toBe('review link not sent');
  });
});

describe('the SendReminder handler', () => {
  it('refuses an event that is not a reminder', async () => {
    await expect(handler({ proposalId: 'p-1', kind: 'someone-else' }, {} as never)).rejects.toThrow(
      /SendReminder needs/,
    );
  });
});
