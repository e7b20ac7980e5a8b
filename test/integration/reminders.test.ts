// SPEC 10 reminders on the real local stack, driven as people use it: consultees who have not
// answered get one reminder before the deadline, the approver one after the review link; nobody
// who answered, bounced or wrote from another address is reminded, and an early close neither
// waits for a pending reminder nor is followed by one. Times are seconds: fractions of an hour.
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStackClient } from '../../local/client.js';
import { bounceOf, reminderExecution, remindersTo } from '../support/reminders.js';
import { proposalInput, startTestStack, type TestStack } from '../support/stack.js';

/** The approver is reminded 3 s after the review link (set before the stack starts, as the CDK sets it). */
process.env.DPIA_APPROVAL_REMINDER_HOURS = String(3 / 3600);

interface Detail {
  status: string;
  reviewId?: string;
  consultation: {
    responded: number;
    consultees: { email: string; status: string; senderMismatch: boolean }[];
  };
  timeline: { event: string; detail: string }[];
}

let t: TestStack;
let client: LocalStackClient;
let sfn: SFNClient;
let reminderArn: string;

beforeAll(async () => {
  t = await startTestStack();
  client = t.client;
  sfn = new SFNClient({});
  reminderArn = t.stack.reminderStateMachineArn as string;
});
afterAll(async () => {
  await t?.close();
  delete process.env.DPIA_APPROVAL_REMINDER_HOURS;
});

const detail = async (id: string) => (await client.api<Detail>('manager', 'GET', `/proposals/${id}`)).body;

async function open(input: unknown): Promise<{ proposalId: string; reference: string }> {
  return await client.openProposal(input);
}

/** Seconds from now until the reminder, as the proposal's own reminderHours. */
const reminderIn = (deadlineSeconds: number, dueSeconds: number) => (deadlineSeconds - dueSeconds) / 3600;

async function lettersReached(emails: string[], reference: string) {
  return client.waitFor('every consultation letter', async () => {
    const mails = await Promise.all(emails.map((e) => client.mailTo(e, reference)));
    return mails.every((m) => m.length > 0) ? mails.map((m) => m[0]) : undefined;
  });
}

describe('the consultees reminder', () => {
  const deadlineSeconds = 30;
  // Due 12 s after opening (built when the test runs): the answers and the bounce are in by then.
  const build = () => ({
    ...proposalInput({ consultees: 5, deadlineSeconds, tag: 'remind' }),
    reminderHours: reminderIn(deadlineSeconds, 12),
  });
  let emails: string[] = [];
  const who = () => emails as [string, string, string, string, string];
  let created: { proposalId: string; reference: string };

  it('reminds, once each, only the consultees with no reply, keeping a per-consultee Reply-To and no site', async () => {
    const input = build();
    emails = input.consultees.map((c) => c.email);
    const [replied, bounced, otherAddress, silentA, silentB] = who();
    created = await open(input);
    const letters = await lettersReached(emails, created.reference);
    await client.replyAsConsultee(replied, created.reference, 'SUPPORT', 'Long overdue.');
    const bouncedLetter = letters[1];
    await client.sendMail({
      from: '',
      to: bouncedLetter?.replyTo?.[0] as string,
      subject: 'Undelivered Mail Returned to Sender',
      raw: bounceOf(bounced, bouncedLetter?.replyTo?.[0] as string, created.reference),
    });
    // Answered from a private address: kept for a manager to accept, and not a reason to remind.
    await client.replyAsConsultee(
      otherAddress,
      created.reference,
      'OBJECT',
      'Sent from home.',
      'someone@home.example',
    );
    await client.waitFor('the replies and the bounce to be recorded', async () => {
      const d = await detail(created.proposalId);
      const of = (e: string) => d.consultation.consultees.find((c) => c.email === e);
      return of(replied)?.status === 'responded' &&
        of(bounced)?.status === 'bounced' &&
        of(otherAddress)?.senderMismatch
        ? d
        : undefined;
    });

    const d = await client.waitFor(
      'the reminder on the timeline',
      async () => {
        const x = await detail(created.proposalId);
        return x.timeline.some((e) => e.event === 'consultees-reminded') ? x : undefined;
      },
      30_000,
    );
    expect(d.status).toBe('consulting');
    expect(d.timeline.filter((e) => e.event === 'consultees-reminded').map((e) => e.detail)).toEqual([
      'Reminder sent to 2 consultees who have not replied',
    ]);
    const done = await client.waitFor('the reminder execution to finish', async () => {
      const x = await reminderExecution(sfn, reminderArn, `${created.proposalId}-consultees`);
      return x && x.status !== 'RUNNING' ? x : undefined;
    });
    expect(done.status).toBe('SUCCEEDED');

    for (const email of [silentA, silentB]) {
      const reminders = await remindersTo(client, email, created.reference);
      expect(reminders, email).toHaveLength(1);
      const [mail] = reminders;
      expect(mail?.subject).toContain(`[${created.reference}]`);
      expect(mail?.replyTo?.[0]).toMatch(/^consult\+[0-9a-f]{32}@replies\.camera-dpia\.test$/);
      const everything = `${mail?.subject}\n${mail?.body?.text}\n${mail?.body?.html}`;
      expect(everything).toContain('Tenterden');
      expect(everything).not.toContain('Smallhythe');
      expect(everything).not.toContain('51.0686');
    }
    for (const email of [replied, bounced, otherAddress]) {
      expect(await remindersTo(client, email, created.reference), email).toEqual([]);
    }
  }, 60_000);

  it('counts a reply to the reminder for the consultee it was sent to', async () => {
    const silentA = who()[3];
    // replyAsConsultee answers the newest mail: the reminder, with its own reply address.
    await client.replyAsConsultee(silentA, created.reference, 'CONCERNS', 'Who sees the data?');
    const d = await client.waitFor('the reply to the reminder to count', async () => {
      const x = await detail(created.proposalId);
      // The consultee is written first and the counts synced after it: wait for both.
      return x.consultation.consultees.find((c) => c.email === silentA)?.status === 'responded' &&
        x.consultation.responded >= 2
        ? x
        : undefined;
    });
    expect(d.consultation.responded).toBe(2);
    expect(await remindersTo(client, silentA, created.reference)).toHaveLength(1);
  });
});

describe('an early close with a reminder pending', () => {
  const deadlineSeconds = 3600;
  // Due 10 s after opening (built when the test runs): long after both answers.
  const build = () => ({
    ...proposalInput({ consultees: 2, deadlineSeconds, tag: 'early' }),
    reminderHours: reminderIn(deadlineSeconds, 10),
  });
  let input: ReturnType<typeof build>;
  let emails: string[];
  let created: { proposalId: string; reference: string };

  it('closes at once, and the reminder that falls due afterwards sends nothing', async () => {
    input = build();
    emails = input.consultees.map((c) => c.email);
    created = await open(input);
    await lettersReached(emails, created.reference);
    for (const email of emails) await client.replyAsConsultee(email, created.reference, 'SUPPORT');
    await client.waitForStatus(created.proposalId, ['awaiting-approval']);
    // The consultation closed while its reminder was still waiting: nothing held it up.
    const pending = await reminderExecution(sfn, reminderArn, `${created.proposalId}-consultees`);
    expect(pending?.status).toBe('RUNNING');

    const finished = await client.waitFor(
      'the reminder to fall due',
      async () => {
        const x = await reminderExecution(sfn, reminderArn, `${created.proposalId}-consultees`);
        return x?.status === 'RUNNING' ? undefined : x;
      },
      30_000,
    );
    expect(finished?.status).toBe('SUCCEEDED');
    for (const email of emails) expect(await remindersTo(client, email, created.reference)).toEqual([]);
    expect((await detail(created.proposalId)).timeline.map((e) => e.event)).not.toContain(
      'consultees-reminded',
    );
  }, 60_000);

  it('reminds the undecided approver once, with the same signed link, and the link still decides', async () => {
    const approver = input.approver.email;
    const d = await client.waitFor('the approver reminder on the timeline', async () => {
      const x = await detail(created.proposalId);
      return x.timeline.some((e) => e.event === 'approver-reminded') ? x : undefined;
    });
    expect(d.timeline.find((e) => e.event === 'approver-reminded')?.detail).toMatch(
      /^Reminder sent to the approver/,
    );
    const mails = await client.mailTo(approver, created.reference);
    const reminders = mails.filter((m) => m.subject.startsWith('Reminder:'));
    expect(reminders).toHaveLength(1);
    const linkIn = (text: string | undefined) => text?.match(/https?:\/\/\S+\/review\/\S+\?sig=\S+/)?.[0];
    const original = mails.find((m) => !m.subject.startsWith('Reminder:'));
    expect(linkIn(reminders[0]?.body?.text)).toBeDefined();
    expect(linkIn(reminders[0]?.body?.text)).toBe(linkIn(original?.body?.text));

    const link = await client.reviewLink(approver, created.reference);
    const sig = new URL(link, 'http://x').searchParams.get('sig') as string;
    const decided = await client.api(
      null,
      'POST',
      new URL(link, 'http://x').pathname,
      new URLSearchParams({
        sig,
        outcome: 'rejected',
        rationale: 'The consultation supports it but the need is not yet shown locally.',
        // Issue 19: rejecting despite support gives reasons that address it.
        consulteeResponse:
          'The support is noted, but the councils gave no local evidence that would meet the need test.',
      }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    expect(decided.status).toBe(200);
    await client.waitForStatus(created.proposalId, ['rejected']);
    expect(
      (await client.mailTo(approver, created.reference)).filter((m) => m.subject.startsWith('Reminder:')),
    ).toHaveLength(1);
  }, 60_000);
});
