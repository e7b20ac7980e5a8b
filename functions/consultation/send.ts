// The SendConsultation task: one consultation e-mail per consultee, each with its own reply
// address. AWS retries tasks and the local stack re-drives executions after a crash, so every
// mail is preceded by a conditional "sending" marker on its consultee: a replay sends nothing twice.
import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { scheduleConsulteeReminder } from '../reminders/schedule.js';
import { boundedBackground, mapBounded } from '../shared/bounded.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { ENV } from '../shared/config.js';
import { requiredEnv, tableName } from '../shared/env.js';
import { sha256hex } from '../shared/hash.js';
import { consulteeKey, replyTokenKey } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import { type ArchivedMail, keepMailCopies } from '../shared/mail-archive.js';
import { copyOfSent, sendMail } from '../shared/mailer.js';
import { isConditionFailure } from '../shared/store/conditions.js';
import {
  addTimelineEvent,
  type ConsulteeRecord,
  changeStatus,
  getProposal,
  listConsultees,
  type ProposalRecord,
  putAll,
} from '../shared/store/proposals.js';
import { countConsultationMailed } from '../stats/counters.js';
import { renderConsultation } from './letter.js';
import { rebuildConsultationCounts } from './summary.js';

/** What CollectResponses reads: `$.consultation.secondsToDeadline` is its TimeoutSecondsPath. */
export interface SendConsultationResult {
  /** Consultees mailed so far, over every attempt. */
  mailed: number;
  secondsToDeadline: number;
}

/** Evidence copies of consultation letters kept in one object (about 10 KiB each). */
const COPIES_PER_OBJECT = 50;

/** Enough to keep SES busy without tripping its send-rate limit or a Lambda's sockets. */
export const MAIL_CONCURRENCY = 8;

export async function sendConsultation(proposalId: string): Promise<SendConsultationResult> {
  const proposal = await getProposal(proposalId);
  if (!(await openConsultation(proposal))) {
    // Withdrawn, failed or otherwise moved on while this task was queued: nobody may be mailed.
    log.info('consultation not sent', { proposalId, reference: proposal.reference, status: proposal.status });
    return { mailed: proposal.consultation.mailed, secondsToDeadline: secondsToDeadline(proposal) };
  }

  const inboundDomain = requiredEnv(ENV.inboundDomain);
  const consultees = await listConsultees(proposalId);
  const unmarked = consultees.filter((c) => !c.mailMarker);
  // Every reply token is stored before any mail goes out, 25 to a request rather than one write
  // per mail. A token whose consultee another attempt mails meanwhile is never sent to anyone.
  const tokens = new Map(unmarked.map((c) => [c.email, randomBytes(16).toString('hex')]));
  await storeReplyTokens(proposalId, unmarked, tokens);
  let sent = 0;
  // A lane is free for the next mail once SES has this one; its "mailed" mark, and the evidence
  // copies (COPIES_PER_OBJECT to an object), follow beside it.
  const background = boundedBackground(MAIL_CONCURRENCY);
  const copies: ArchivedMail[] = [];
  const keepCopies = () => background.start(() => keepMailCopies(proposalId, copies.splice(0)));
  try {
    await mapBounded(unmarked, MAIL_CONCURRENCY, async (consultee) => {
      const token = tokens.get(consultee.email) as string;
      const copy = await mailConsultee(proposal, consultee, `consult+${token}@${inboundDomain}`);
      if (copy) {
        sent += 1;
        copies.push(copy);
        await background.start(() => markMailed(proposalId, consultee.email));
        if (copies.length >= COPIES_PER_OBJECT) await keepCopies();
      }
    });
    await keepCopies();
    await background.settle();
  } catch (error) {
    // The mails that did go out are recorded even when the task fails: the timeline and the
    // counts must show who was written to, and the evidence what they were sent, retry or not.
    await keepCopies().catch(() => undefined);
    await background.settle().catch(() => undefined);
    await recordMailing(proposal, sent, consultees.length).catch(() => undefined);
    throw error;
  }
  const mailed = await recordMailing(proposal, sent, consultees.length);
  if (mailed > 0) await countConsultationMailed(proposal);
  // A timer beside the CollectResponses wait, not a step of it (README, Reminders): started by
  // name, so a retry of this task schedules nothing twice, and never failing this task.
  await scheduleConsulteeReminder(proposal);
  return { mailed, secondsToDeadline: secondsToDeadline(proposal) };
}

/** Recounts and notes this attempt's mails on the timeline; returns the total mailed. */
async function recordMailing(proposal: ProposalRecord, sent: number, consultees: number): Promise<number> {
  const { proposalId, reference } = proposal;
  // One recount after the whole mailing, rather than a count update per mail on the one proposal item.
  const summary = await rebuildConsultationCounts(proposalId);
  if (sent > 0) {
    await addTimelineEvent(
      proposalId,
      'consultation-mailed',
      `${sent} consultation e-mail${sent === 1 ? '' : 's'} sent; ${summary.mailed} of ${consultees} consultees mailed`,
    );
  }
  log.info('consultation mailed', { proposalId, reference, sent, mailed: summary.mailed, consultees });
  return summary.mailed;
}

/** scoring → consulting; a retry finds it consulting already. False for any other status. */
async function openConsultation(proposal: ProposalRecord): Promise<boolean> {
  if (proposal.status === 'consulting') return true;
  if (proposal.status !== 'scoring') return false;
  if (await changeStatus(proposal.proposalId, 'consulting', ['scoring'])) return true;
  // Someone moved it between our read and our write: a parallel attempt (go on) or a withdrawal (stop).
  return (await getProposal(proposal.proposalId)).status === 'consulting';
}

/** Whole seconds, at least 1: Step Functions refuses a zero timeout, and a late start still collects. */
function secondsToDeadline(proposal: ProposalRecord): number {
  const deadline = Date.parse(proposal.input.responseDeadline);
  return Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
}

/**
 * The evidence copy of the mail when this call sent it; null when another attempt has (or had)
 * this consultee. The caller marks the consultee mailed. Should that mark never be written, the
 * consultee keeps the "sending" marker: never mailed again, and not counted as mailed.
 */
async function mailConsultee(
  proposal: ProposalRecord,
  consultee: ConsulteeRecord,
  replyTo: string,
): Promise<ArchivedMail | null> {
  if (!(await claimConsultee(proposal.proposalId, consultee.email))) return null;

  let copy: ArchivedMail;
  try {
    const mail = { to: consultee.email, replyTo, ...renderConsultation(proposal, consultee, replyTo) };
    copy = copyOfSent(mail, 'consultation', await sendMail(mail));
  } catch (error) {
    // Released so a retry mails this consultee (with a new token). The token item stays: if SES
    // accepted the mail before failing us, the consultee's reply to it must still find them.
    await releaseConsultee(proposal.proposalId, consultee.email).catch((releaseError: unknown) =>
      log.error('consultation marker not released', {
        proposalId: proposal.proposalId,
        error: (releaseError as Error).name,
      }),
    );
    throw error;
  }
  return copy;
}

/**
 * Only the hash is stored: a leaked table cannot be used to reply as a consultee. 128 random bits
 * never repeat, so the items are put without a condition (a BatchWriteItem has none).
 */
async function storeReplyTokens(
  proposalId: string,
  consultees: ConsulteeRecord[],
  tokens: Map<string, string>,
): Promise<void> {
  const createdAt = new Date().toISOString();
  await putAll(
    consultees.map(({ email, name }) => ({
      ...replyTokenKey(sha256hex(tokens.get(email) as string)),
      type: 'reply-token',
      proposalId,
      // The consultee's name and address: a reply is matched without reading the consultee.
      email,
      name,
      createdAt,
    })),
  );
}

/** The conditional "sending" marker: false when another attempt has this consultee already. */
async function claimConsultee(proposalId: string, email: string): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: consulteeKey(proposalId, email),
        UpdateExpression: 'SET #marker = :sending',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(#marker) OR #marker = :null)',
        ExpressionAttributeNames: { '#marker': 'mailMarker' },
        ExpressionAttributeValues: { ':sending': 'sending', ':null': null },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Marks the consultee mailed. A bounce or a reply may already have arrived (the mark runs beside
 * the next mail): then their status stands, and only the marker and time are set.
 */
async function markMailed(proposalId: string, email: string): Promise<void> {
  const update = (setStatus: boolean) =>
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: consulteeKey(proposalId, email),
        UpdateExpression: `SET #marker = :sent, #mailedAt = :now, #countVersion = if_not_exists(#countVersion, :zero) + :one${setStatus ? ', #status = :mailed' : ''}`,
        ConditionExpression: setStatus ? '#marker = :sending AND #status = :pending' : '#marker = :sending',
        ExpressionAttributeNames: {
          '#marker': 'mailMarker',
          '#mailedAt': 'mailedAt',
          '#countVersion': 'countVersion',
          ...(setStatus ? { '#status': 'status' } : {}),
        },
        ExpressionAttributeValues: {
          ':zero': 0,
          ':one': 1,
          ':sent': 'sent',
          ':sending': 'sending',
          ':now': new Date().toISOString(),
          ...(setStatus ? { ':mailed': 'mailed', ':pending': 'pending' } : {}),
        },
      }),
    );
  try {
    await update(true);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    await update(false);
  }
}

async function releaseConsultee(proposalId: string, email: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: consulteeKey(proposalId, email),
      UpdateExpression: 'SET #marker = :null',
      ConditionExpression: '#marker = :sending',
      ExpressionAttributeNames: { '#marker': 'mailMarker' },
      ExpressionAttributeValues: { ':null': null, ':sending': 'sending' },
    }),
  );
}
