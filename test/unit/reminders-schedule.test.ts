// Scheduling reminders (SPEC 10): when each is due, its execution started once by name, never a
// failure of the lifecycle task that asks for it, and a proposal's own reminderHours.
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendConsultation } from '../../functions/consultation/send.js';
import {
  reminderExecutionName,
  scheduleApproverReminder,
  scheduleConsulteeReminder,
  scheduleReminder,
} from '../../functions/reminders/schedule.js';
import { requestApproval } from '../../functions/review/request.js';
import { ProposalInput } from '../../functions/shared/model/proposal.js';
import { exampleJson } from '../support/records.js';
import {
  consultee,
  example,
  given,
  mails,
  NOW,
  proposal,
  REMINDER_MACHINE,
  recipients,
  review,
  sfn,
  useReminderMocks,
} from '../support/reminder-table.js';

useReminderMocks();

describe('scheduling a reminder', () => {
  const starts = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);

  it('starts one execution per reminder, named for it, carrying when it is due', async () => {
    expect(
      await scheduleReminder({
        proposalId: 'p-1',
        kind: 'consultees',
        remindAt: new Date('2026-12-12T17:00:00.250Z'),
        now: NOW,
      }),
    ).toBe('scheduled');
    expect(starts()).toEqual([
      {
        stateMachineArn: REMINDER_MACHINE,
        name: 'p-1-consultees',
        input: JSON.stringify({
          proposalId: 'p-1',
          kind: 'consultees',
          roundId: null,
          remindAt: '2026-12-12T17:00:01Z',
        }),
      },
    ]);
    expect(reminderExecutionName('p-1', 'approver', 'rev_-1')).toBe('p-1-approver-rev_-1');
    expect(reminderExecutionName('p-1', 'approver', 'x'.repeat(90))).toMatch(/^p-1-approver-[0-9a-f]{24}$/);
  });

  it("takes reminderHours before the deadline (the proposal's own first; fractions allowed)", async () => {
    vi.stubEnv('DPIA_REMINDER_HOURS', '0.5');
    await scheduleConsulteeReminder(proposal(), NOW);
    await scheduleConsulteeReminder(proposal({ input: { ...example, reminderHours: 24 } }), NOW);
    vi.stubEnv('DPIA_REMINDER_HOURS', '');
    await scheduleConsulteeReminder(proposal(), NOW);
    expect(starts().map((s) => JSON.parse(s.input as string).remindAt)).toEqual([
      '2026-12-15T16:30:00Z',
      '2026-12-14T17:00:00Z',
      '2026-12-12T17:00:00Z',
    ]);
  });

  it('takes approvalReminderHours after the review opened, unless the link expires first', async () => {
    vi.stubEnv('DPIA_APPROVAL_REMINDER_HOURS', '48');
    expect(await scheduleApproverReminder(review(), NOW)).toBe('scheduled');
    expect(starts()[0]).toMatchObject({ name: 'p-1-approver-rev-1' });
    expect(JSON.parse(starts()[0]?.input as string)).toMatchObject({
      roundId: 'rev-1',
      remindAt: '2026-12-17T17:00:00Z',
    });
    vi.stubEnv('DPIA_APPROVAL_REMINDER_HOURS', String(15 * 24));
    expect(await scheduleApproverReminder(review(), NOW)).toBe('not-needed');
    expect(starts()).toHaveLength(1);
  });

  it('schedules none when the reminder would be due already (the deadline is nearer than reminderHours)', async () => {
    const soon = proposal({ input: { ...example, responseDeadline: '2026-12-12T17:00:00.000Z' } });
    expect(await scheduleConsulteeReminder(soon, NOW)).toBe('not-needed');
    expect(starts()).toEqual([]);
  });

  it('treats a reminder that exists already as scheduled, and never fails the task that asks', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    expect(await scheduleConsulteeReminder(proposal(), NOW)).toBe('already-scheduled');
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    expect(await scheduleConsulteeReminder(proposal(), NOW)).toBe('failed');
    vi.stubEnv('DPIA_REMINDER_HOURS', 'three days');
    expect(await scheduleConsulteeReminder(proposal(), NOW)).toBe('failed');
  });
});

describe('the lifecycle tasks that schedule reminders', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('SendConsultation schedules the consultees reminder and still succeeds when Step Functions is down', async () => {
    given(proposal({ status: 'consulting', consultation: { ...proposal().consultation, mailed: 0 } }), [
      consultee('new@council.example', { status: 'pending', mailMarker: null }),
    ]);
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    await expect(sendConsultation('p-1')).resolves.toMatchObject({ mailed: 1 });
    expect(recipients()).toEqual(['new@council.example']);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([
      'p-1-consultees',
    ]);
  });

  it('RequestApproval schedules the approver reminder for the review it opened, after mailing the link', async () => {
    vi.stubEnv('DPIA_APPROVAL_REMINDER_HOURS', '24');
    given(proposal({ status: 'consulting' }));
    const result = await requestApproval({ proposalId: 'p-1', taskToken: 'task-1' }, NOW);
    expect(result.mailed).toBe(true);
    const [start] = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(start?.name).toBe(`p-1-approver-${result.reviewId}`);
    expect(JSON.parse(start?.input as string)).toEqual({
      proposalId: 'p-1',
      kind: 'approver',
      roundId: result.reviewId,
      remindAt: '2026-12-11T09:00:00Z',
    });
    // A replay of the task (same token) mails nobody and asks for the same reminder again.
    await requestApproval({ proposalId: 'p-1', taskToken: 'task-1' }, NOW);
    expect(mails()).toHaveLength(1);
    expect(new Set(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).size).toBe(1);
  });
});

describe("a proposal's own reminderHours", () => {
  const raw = exampleJson();

  it('is optional, may be a fraction, and must be more than 0 and at most a year', () => {
    expect(ProposalInput.parse(raw).reminderHours).toBeUndefined();
    expect(ProposalInput.parse({ ...raw, reminderHours: 1.5 }).reminderHours).toBe(1.5);
    for (const bad of [0, -1, 9000, '72']) {
      const parsed = ProposalInput.safeParse({ ...raw, reminderHours: bad });
      expect(parsed.success, String(bad)).toBe(false);
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['reminderHours']);
    }
  });
});
