// SendReminder, the one task of the reminder state machine: at the due time it re-checks everything
// (the kind's sender claims each recipient with a conditional write, so a retried task or a resumed
// execution sends nothing twice) and writes the timeline event once.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { eventKey, reminderKey } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import { isConditionFailure } from '../shared/store/conditions.js';
import { addTimelineEvent } from '../shared/store/proposals.js';
import { remindApprover } from './approver.js';
import { remindConsultees } from './consultees.js';
import { remindDpo } from './dpo.js';
import type { KindOutcome, ReminderKind, ReminderRequest } from './kinds.js';

/** One sender per kind: a kind added to REMINDER_KINDS without one does not compile. */
export const REMINDER_SENDERS: Record<
  ReminderKind,
  (request: ReminderRequest, now: Date) => Promise<KindOutcome>
> = {
  consultees: remindConsultees,
  approver: remindApprover,
  dpo: remindDpo,
};

export interface SendReminderResult {
  kind: ReminderKind;
  reminded: number;
  sent: number;
}

export async function sendReminder(request: ReminderRequest, now = new Date()): Promise<SendReminderResult> {
  // The first attempt's start: every retry writes the timeline event at the same key.
  const startedAt = await beginReminder(request, now);
  const outcome = await REMINDER_SENDERS[request.kind](request, now);
  if (outcome.event) await recordOnce(request.proposalId, startedAt, outcome.event);
  log.info(outcome.sent > 0 ? 'reminder sent' : 'reminder not sent', {
    proposalId: request.proposalId,
    kind: request.kind,
    sent: outcome.sent,
    reminded: outcome.reminded,
    skipped: outcome.skipped,
  });
  return { kind: request.kind, reminded: outcome.reminded, sent: outcome.sent };
}

/** Creates or reads the reminder's record; returns when its first attempt began. */
async function beginReminder(request: ReminderRequest, now: Date): Promise<string> {
  const out = await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: reminderKey(request.proposalId, request.kind, request.roundId),
      UpdateExpression:
        'SET #type = :type, #kind = :kind, #roundId = :roundId, #remindAt = :remindAt, #startedAt = if_not_exists(#startedAt, :now)',
      ExpressionAttributeNames: {
        '#type': 'type',
        '#kind': 'kind',
        '#roundId': 'roundId',
        '#remindAt': 'remindAt',
        '#startedAt': 'startedAt',
      },
      ExpressionAttributeValues: {
        ':type': 'reminder',
        ':kind': request.kind,
        ':roundId': request.roundId,
        ':remindAt': request.remindAt,
        ':now': now.toISOString(),
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const startedAt = out.Attributes?.startedAt;
  return typeof startedAt === 'string' ? startedAt : now.toISOString();
}

/** Slot of the reminder's event among the events of its millisecond (random ones use 0..9999). */
const EVENT_SLOT = 0;

/** The timeline event at a key fixed by the first attempt: a retry finds it there and adds none. */
async function recordOnce(
  proposalId: string,
  at: string,
  event: { name: string; detail: string },
): Promise<void> {
  const key = eventKey(proposalId, at, EVENT_SLOT);
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...key, type: 'event', at, event: event.name, detail: event.detail },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // Another event of the same millisecond took the slot (rare): then ours goes beside it.
    const existing = await dynamo.send(
      new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }),
    );
    if (existing.Item?.event !== event.name)
      await addTimelineEvent(proposalId, event.name, event.detail, new Date(at));
  }
}
