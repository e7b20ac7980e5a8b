// Reminders across kill -9 of `npm start` (modelled on local-stack-restart.test.ts): a reminder
// waiting when the stack dies goes out after the restart, and a stack killed as its reminders go
// out sends none of them twice when it comes back.
import { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { LocalStackClient } from '../../local/client.js';
import { reminderExecution, remindersTo } from '../support/reminders.js';
import { proposalInput } from '../support/stack.js';
import { killableStack } from '../support/stack-process.js';

const stack = await killableStack('reminder-restart', { DPIA_LOG_LEVEL: 'warn' });
const client = new LocalStackClient(stack.config);
const sfn = new SFNClient(stack.sdk('sfn'));
const REMINDER_MACHINE = 'arn:aws:states:eu-west-2:000000000000:stateMachine:camera-dpia-reminder';

describe('reminders survive kill -9 of the local stack', () => {
  it('sends a reminder that was waiting at the crash, and none twice when killed as it goes out', async () => {
    await stack.start();
    const deadlineSeconds = 3600;
    // Due 10 s after opening: time to answer, and to kill the stack while the reminder waits.
    const input = {
      ...proposalInput({ consultees: 3, deadlineSeconds, tag: 'restart' }),
      reminderHours: (deadlineSeconds - 10) / 3600,
    };
    const [replied, silentA, silentB] = input.consultees.map((c) => c.email) as [string, string, string];
    const { proposalId, reference } = await client.openProposal(input);
    await client.waitFor('the consultation letters', async () => {
      const mails = await Promise.all([replied, silentA, silentB].map((e) => client.mailTo(e, reference)));
      return mails.every((m) => m.length > 0) || undefined;
    });
    await client.replyAsConsultee(replied, reference, 'SUPPORT', 'Yes.');
    await client.waitFor('the reply to count', async () => {
      const d = await client.api<{ consultation: { responded: number } }>(
        'manager',
        'GET',
        `/proposals/${proposalId}`,
      );
      return d.body.consultation.responded === 1 || undefined;
    });
    const waiting = await client.waitFor('the reminder to be scheduled', async () =>
      reminderExecution(sfn, REMINDER_MACHINE, `${proposalId}-consultees`),
    );
    expect(waiting.status).toBe('RUNNING');

    // 1. Killed while the reminder waits: after the restart it still goes out.
    await stack.crash();
    await client.waitFor(
      'a reminder after the restart',
      async () =>
        (await remindersTo(client, silentA, reference)).length +
          (await remindersTo(client, silentB, reference)).length >
          0 || undefined,
      30_000,
    );

    // 2. Killed as the reminders go out (or just after): the resumed execution sends none again.
    await stack.crash();
    const done = await client.waitFor(
      'the reminder execution to finish',
      async () => {
        const x = await reminderExecution(sfn, REMINDER_MACHINE, `${proposalId}-consultees`);
        return x && x.status !== 'RUNNING' ? x : undefined;
      },
      30_000,
    );
    expect(done.status).toBe('SUCCEEDED');
    expect(await remindersTo(client, replied, reference)).toEqual([]);
    const counts = [
      (await remindersTo(client, silentA, reference)).length,
      (await remindersTo(client, silentB, reference)).length,
    ] as const;
    // Never twice. (A stack killed between claiming a consultee and SES taking the mail leaves
    // them unreminded rather than risk a second mail: at most once, by design.)
    expect(Math.max(...counts)).toBe(1);
    const timeline = await client.api<{ timeline: { event: string; detail: string }[] }>(
      'manager',
      'GET',
      `/proposals/${proposalId}`,
    );
    const events = timeline.body.timeline.filter((e) => e.event === 'consultees-reminded');
    expect(events.length).toBeLessThanOrEqual(1);
    // The event counts reminders confirmed sent: a crash between SES taking a mail and its "sent"
    // mark can leave it lower than the mails that went, never higher.
    const confirmed = Number(
      /^Reminder sent to (\d+) consultees? who ha(?:ve|s) not replied$/.exec(events[0]?.detail ?? '')?.[1] ??
        0,
    );
    expect(confirmed).toBeLessThanOrEqual(counts[0] + counts[1]);
  }, 90_000);
});
