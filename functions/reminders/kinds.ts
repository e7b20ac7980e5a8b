// The reminders of SPEC 10, by kind. Each kind is one execution of the reminder state machine
// (workflows/dpia-reminder.asl.json) that waits beside the lifecycle and then runs SendReminder
// once. A new kind (the DPO's, say) is one more name here and one more sender in send.ts; the
// compiler then refuses a kind without a sender.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { isoDateTime } from '../shared/model/iso.js';

export const REMINDER_KINDS = ['consultees', 'approver', 'dpo'] as const;
export const ReminderKind = z.enum(REMINDER_KINDS);
export type ReminderKind = z.infer<typeof ReminderKind>;

/**
 * What a reminder execution carries, and SendReminder receives. `roundId` names the round of a kind
 * that can recur (the review id: a re-issued link is a new round); null for the consultees.
 */
export const ReminderRequest = z.object({
  proposalId: z.string().check(z.minLength(1)),
  kind: ReminderKind,
  roundId: z.nullable(z.string().check(z.minLength(1))),
  remindAt: isoDateTime({ offset: true }),
});
export type ReminderRequest = z.infer<typeof ReminderRequest>;

/** What one kind's sender did; the timeline event is written once, by send.ts, from `event`. */
export interface KindOutcome {
  /** Recipients reminded over every attempt (a retry counts the ones before it). */
  reminded: number;
  /** Sent by this attempt. */
  sent: number;
  /** Why nothing was sent, for the log (never personal data). */
  skipped?: string;
  event: { name: string; detail: string } | null;
}
