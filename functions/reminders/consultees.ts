// The consultees' reminder: one mail to each consultee who was mailed and has not answered, sent
// `reminderHours` before the deadline. Who still needs it is decided at the due time, and each
// consultee is claimed with a conditional write on their own item (`reminderMarker`), whose
// condition is the same test: a reply, a bounce or another attempt that got there first all make
// the claim fail, so nobody is reminded twice or after answering.
import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { letterHead } from '../consultation/letter-head.js';
import { MAIL_CONCURRENCY } from '../consultation/send.js';
import { mapBounded } from '../shared/bounded.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { ENV } from '../shared/config.js';
import { requiredEnv, tableName } from '../shared/env.js';
import { sha256hex } from '../shared/hash.js';
import { consulteeKey, replyTokenKey } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import { sendMail } from '../shared/mailer.js';
import { pacer, sendingRate } from '../shared/send-pace.js';
import { conditionHeld } from '../shared/store/conditions.js';
import {
  type ConsulteeRecord,
  getProposal,
  listConsultees,
  type ProposalRecord,
  putAll,
} from '../shared/store/proposals.js';
import { type RenderedMessage, renderMessage } from '../shared/templates.js';
import type { KindOutcome, ReminderRequest } from './kinds.js';

/** A consultee item as the reminder sees it: the marker is this module's own field. */
export type RemindableConsultee = ConsulteeRecord & { reminderMarker?: 'sending' | 'sent' | null };

/**
 * Who is reminded: mailed (the letter went), no reply of any kind that answers (a counted one makes
 * them `responded`; one from another address awaiting a manager's acceptance sets `senderMismatch`),
 * not bounced, and not reminded yet. claimReminder's condition says the same to DynamoDB.
 */
export const needsReminder = (c: RemindableConsultee): boolean =>
  c.status === 'mailed' &&
  c.mailMarker === 'sent' &&
  c.senderMismatch !== true &&
  c.late !== true &&
  (c.reminderMarker === undefined || c.reminderMarker === null);

/**
 * templates/consultation-reminder/, from the head the letter's own allow-listed view starts with
 * (consultation/letter-head.ts): the public area and the deadline, never the restricted site.
 */
export const renderReminder = (
  proposal: ProposalRecord,
  consultee: Pick<ConsulteeRecord, 'name' | 'organisation'>,
  replyTo: string,
): RenderedMessage => renderMessage('consultation-reminder', letterHead(proposal, consultee, replyTo));

/** Why the consultation takes no reminder now; undefined while it is open. */
export function closedReason(proposal: ProposalRecord, now: Date): string | undefined {
  if (proposal.status !== 'consulting') return `proposal ${proposal.status}`;
  if (proposal.consultation.closedAt) return 'consultation closed';
  if (Date.parse(proposal.input.responseDeadline) <= now.getTime()) return 'deadline passed';
  return undefined;
}

export async function remindConsultees(request: ReminderRequest, now: Date): Promise<KindOutcome> {
  const proposal = await getProposal(request.proposalId);
  const closed = closedReason(proposal, now);
  if (closed) return { reminded: 0, sent: 0, skipped: closed, event: null };

  const consultees = (await listConsultees(proposal.proposalId)) as RemindableConsultee[];
  // A retry after a crash counts the reminders the earlier attempt sent.
  const before = consultees.filter((c) => c.reminderMarker === 'sent').length;
  const due = consultees.filter(needsReminder);
  const sent = due.length === 0 ? 0 : await mailReminders(proposal, due);
  const reminded = before + sent;
  return {
    reminded,
    sent,
    ...(due.length === 0 ? { skipped: 'nobody to remind' } : {}),
    event:
      reminded === 0
        ? null
        : {
            name: 'consultees-reminded',
            detail: `Reminder sent to ${reminded} consultee${reminded === 1 ? ' who has' : 's who have'} not replied`,
          },
  };
}

/**
 * Each reminder gets a fresh reply token mapped to the same consultee: the table keeps only token
 * hashes (a leaked table cannot answer as anyone), so the first letter's token cannot be read back.
 * A reply to either address reaches the same consultee. Tokens are stored before any mail goes.
 */
async function mailReminders(proposal: ProposalRecord, due: RemindableConsultee[]): Promise<number> {
  const inboundDomain = requiredEnv(ENV.inboundDomain);
  const tokens = new Map(due.map((c) => [c.email, randomBytes(16).toString('hex')]));
  const createdAt = new Date().toISOString();
  await putAll(
    due.map(({ email, name }) => ({
      ...replyTokenKey(sha256hex(tokens.get(email) as string)),
      type: 'reply-token',
      proposalId: proposal.proposalId,
      email,
      name,
      createdAt,
    })),
  );

  let sent = 0;
  // Paced under SES's MaxSendRate, as the letters they follow were (functions/shared/send-pace.ts).
  const pace = pacer(await sendingRate());
  await mapBounded(due, MAIL_CONCURRENCY, async (consultee) => {
    if (!(await claimReminder(proposal.proposalId, consultee.email))) return;
    const replyTo = `consult+${tokens.get(consultee.email) as string}@${inboundDomain}`;
    try {
      const mail = { to: consultee.email, replyTo, ...renderReminder(proposal, consultee, replyTo) };
      await pace();
      // Its evidence copy is written before SES takes it (sendMail), so a crash cannot lose it.
      await sendMail(mail, { proposalId: proposal.proposalId, kind: 'consultation-reminder' });
    } catch (error) {
      // Released so the task's retry reminds this consultee; SES did not take the mail.
      await settleReminder(proposal.proposalId, consultee.email, false).catch((releaseError: unknown) =>
        log.error('reminder marker not released', {
          proposalId: proposal.proposalId,
          error: (releaseError as Error).name,
        }),
      );
      throw error;
    }
    sent += 1;
    await settleReminder(proposal.proposalId, consultee.email, true);
  });
  return sent;
}

/**
 * The conditional "sending" marker. Fails when the consultee answered, bounced or was reminded
 * (or claimed by another attempt) since the listing. Should the "sent" mark never be written after
 * SES took the mail, the marker stays "sending": never reminded again.
 */
export async function claimReminder(proposalId: string, email: string): Promise<boolean> {
  return conditionHeld(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: consulteeKey(proposalId, email),
        UpdateExpression: 'SET #marker = :sending',
        ConditionExpression:
          'attribute_exists(PK) AND #status = :mailed AND #mailMarker = :sent' +
          ' AND NOT #senderMismatch = :true AND NOT #late = :true' +
          ' AND (attribute_not_exists(#marker) OR #marker = :null)',
        ExpressionAttributeNames: {
          '#marker': 'reminderMarker',
          '#status': 'status',
          '#mailMarker': 'mailMarker',
          '#senderMismatch': 'senderMismatch',
          '#late': 'late',
        },
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':mailed': 'mailed',
          ':sent': 'sent',
          ':true': true,
          ':null': null,
        },
      }),
    ),
  );
}

/** sending → sent once SES has the mail; sending → (none) when it did not, so a retry may send. */
async function settleReminder(proposalId: string, email: string, sent: boolean): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: consulteeKey(proposalId, email),
      UpdateExpression: sent ? 'SET #marker = :sent, #remindedAt = :now' : 'REMOVE #marker',
      ConditionExpression: '#marker = :sending',
      ExpressionAttributeNames: {
        '#marker': 'reminderMarker',
        ...(sent ? { '#remindedAt': 'remindedAt' } : {}),
      },
      ExpressionAttributeValues: sent
        ? { ':sent': 'sent', ':sending': 'sending', ':now': new Date().toISOString() }
        : { ':sending': 'sending' },
    }),
  );
}
