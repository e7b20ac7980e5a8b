// Starting a reminder: one execution of the reminder state machine, named after the proposal, the
// kind and the round, so starting it again (a retried task, a resumed execution) is the same call
// and a reminder is never scheduled twice. Scheduling never fails the caller: the lifecycle must
// not wait for, or fail because of, a reminder. A reminder that could not be scheduled is logged.
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from '../shared/clients/sfn.js';
import { ENV } from '../shared/config.js';
import { requiredEnv } from '../shared/env.js';
import { sha256hex } from '../shared/hash.js';
import { log } from '../shared/logger.js';
import type { ProposalRecord } from '../shared/store/proposals.js';
import type { ReminderKind, ReminderRequest } from './kinds.js';
import { approvalReminderHoursFromEnv, reminderHoursFromEnv } from './settings.js';

export interface ScheduleReminderInput {
  proposalId: string;
  kind: ReminderKind;
  /** The round of a kind that can recur (a review id); null or absent when there is one. */
  roundId?: string | null;
  remindAt: Date;
  /** A reminder due at or after this moment is pointless (the link it repeats has expired). */
  notAfter?: Date;
  now?: Date;
}

/**
 * scheduled: an execution now waits for remindAt. already-scheduled: one with this name exists.
 * not-needed: due in the past, or too late to help. failed: logged; the lifecycle goes on.
 */
export type ScheduleOutcome = 'scheduled' | 'already-scheduled' | 'not-needed' | 'failed';

/** Step Functions execution names: 1-80 of letters, digits, '-' and '_'. */
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** `<proposalId>-consultees`, `<proposalId>-approver-<reviewId>`: one execution per reminder. */
export function reminderExecutionName(
  proposalId: string,
  kind: ReminderKind,
  roundId: string | null,
): string {
  const name = roundId === null ? `${proposalId}-${kind}` : `${proposalId}-${kind}-${roundId}`;
  // A round id that would not fit is hashed: still one name per round, and still stable.
  return EXECUTION_NAME.test(name) ? name : `${proposalId}-${kind}-${sha256hex(roundId ?? '').slice(0, 24)}`;
}

/** Whole seconds, rounded up: Step Functions' Wait reads an RFC 3339 time; the same input every replay. */
export const reminderTime = (at: number): string =>
  new Date(Math.ceil(at / 1000) * 1000).toISOString().replace('.000Z', 'Z');

export async function scheduleReminder(input: ScheduleReminderInput): Promise<ScheduleOutcome> {
  const { proposalId, kind } = input;
  const roundId = input.roundId ?? null;
  const now = input.now ?? new Date();
  const remindAt = reminderTime(input.remindAt.getTime());
  // Due already (the deadline is nearer than the reminder period): the letter itself is recent
  // enough, and a reminder at once would arrive beside it. None is sent.
  const tooLate = input.notAfter !== undefined && Date.parse(remindAt) >= input.notAfter.getTime();
  if (Date.parse(remindAt) <= now.getTime() || tooLate) {
    log.info('reminder not needed', { proposalId, kind, remindAt });
    return 'not-needed';
  }
  const request: ReminderRequest = { proposalId, kind, roundId, remindAt };
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: requiredEnv(ENV.reminderStateMachineArn),
        name: reminderExecutionName(proposalId, kind, roundId),
        input: JSON.stringify(request),
      }),
    );
    log.info('reminder scheduled', { proposalId, kind, remindAt });
    return 'scheduled';
  } catch (error) {
    // Same name, same input, still waiting: AWS answers as for the first call. Once it has run,
    // or with other input, it refuses: either way this reminder exists already.
    if ((error as Error).name === 'ExecutionAlreadyExists') return 'already-scheduled';
    log.error('reminder not scheduled', { proposalId, kind, error: (error as Error).name });
    return 'failed';
  }
}

const HOUR_MS = 3_600_000;

/** The consultees' reminder: `reminderHours` (the proposal's own, else the deployment's) before the deadline. */
export async function scheduleConsulteeReminder(
  proposal: Pick<ProposalRecord, 'proposalId' | 'input'>,
  now = new Date(),
): Promise<ScheduleOutcome> {
  let hours: number;
  try {
    hours = proposal.input.reminderHours ?? reminderHoursFromEnv();
  } catch (error) {
    log.error('reminder not scheduled', { proposalId: proposal.proposalId, error: (error as Error).name });
    return 'failed';
  }
  return scheduleReminder({
    proposalId: proposal.proposalId,
    kind: 'consultees',
    remindAt: new Date(Date.parse(proposal.input.responseDeadline) - hours * HOUR_MS),
    now,
  });
}

/**
 * A signed link's reminder: `approvalReminderHours` after the link was opened, unless the link
 * expires first. One per round (a re-issued link is a new round with its own reminder). The
 * approver's review link uses it; the DPO's advice link too (kind `dpo`, round = adviceId).
 */
export async function scheduleLinkReminder(
  kind: ReminderKind,
  link: { proposalId: string; roundId: string; openedAt: string; expiresAt: string },
  now = new Date(),
): Promise<ScheduleOutcome> {
  let hours: number;
  try {
    hours = approvalReminderHoursFromEnv();
  } catch (error) {
    log.error('reminder not scheduled', { proposalId: link.proposalId, kind, error: (error as Error).name });
    return 'failed';
  }
  return scheduleReminder({
    proposalId: link.proposalId,
    kind,
    roundId: link.roundId,
    remindAt: new Date(Date.parse(link.openedAt) + hours * HOUR_MS),
    notAfter: new Date(link.expiresAt),
    now,
  });
}

/** The approver's reminder, timed from when the review opened (its link was mailed then). */
export const scheduleApproverReminder = (
  review: { proposalId: string; reviewId: string; createdAt: string; expiresAt: string },
  now = new Date(),
): Promise<ScheduleOutcome> =>
  scheduleLinkReminder(
    'approver',
    {
      proposalId: review.proposalId,
      roundId: review.reviewId,
      openedAt: review.createdAt,
      expiresAt: review.expiresAt,
    },
    now,
  );
