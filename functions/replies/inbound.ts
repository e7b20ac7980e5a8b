// InboundMail: a consultee's e-mail arrives through the SES receipt rule (raw message in S3), is
// matched to its consultee by the reply token in the recipient address, stored once per Message-ID
// and, when it is a timely response from the consultee's own address, counted. The last counted
// response closes the consultation early.
//
// Nothing here ever sends mail: a reply to an unknown or forged token is kept for triage, silently,
// so no two robots can answer each other for ever.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import '../shared/model/zod-messages.js';
import { closeCollectionEarly } from '../consultation/collect.js';
import {
  type CountedConsultee,
  type CountsView,
  consulteeCountKey,
  countLateReply,
  countsSayEveryoneResponded,
  everyoneHasResponded,
  readCountsView,
  syncConsulteeCount,
  updateCountedConsultee,
} from '../consultation/summary.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { rawMailKey } from '../shared/config.js';
import { tableName } from '../shared/env.js';
import { sha256hex } from '../shared/hash.js';
import { consulteeKey, replyKey, unmatchedReplyKey } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import { Reply, type ReplyKind, type Stance } from '../shared/model/consultation.js';
import { isCounted } from '../shared/model/stances.js';
import { readRawMail } from '../shared/raw-mail.js';
import type { SesReceiptEvent, SesReceiptRecord } from '../shared/ses-event.js';
import { conditionHeld } from '../shared/store/conditions.js';
import { addTimelineEvent, FINAL_STATUSES } from '../shared/store/proposals.js';
import { fromMailSystem, isBounceOf, markBounced } from './bounce.js';
import { readStance, type StanceReading } from './classify.js';
import { type ConsulteeUpdate, writeFirstResponse } from './first-response.js';
import { findConsultee, type Match, putOnce, readStoredReply } from './lookup.js';
import { type ParsedReply, parseReply } from './parse.js';
import { stanceReasonOf } from './reason.js';
import { authenticationFailed, fromSesHeaders, tokenCandidates, UNREADABLE_COMMENT } from './receipt.js';

/** Long enough for any real comment; keeps a pasted novel from nearing DynamoDB's 400 KB item limit. */
export const MAX_COMMENT_CHARS = 10_000;

const MAX_SUBJECT_CHARS = 998;

/** Shortens text without splitting a character made of two UTF-16 units. */
const clip = (text: string, max: number): string =>
  text.length <= max ? text : text.slice(0, max).replace(/[\uD800-\uDBFF]$/, '');

export interface InboundOutcome {
  messageIdHash: string;
  kind: ReplyKind;
  proposalId: string | null;
  stance: Stance | null;
  counted: boolean;
  /** The same Message-ID was stored before: nothing was counted twice. */
  duplicate: boolean;
}

/** The consultee's own words, and the message they forwarded (a clerk passing on an answer) below them. */
function commentOf(parsed: ParsedReply): string {
  if (!parsed.forwarded) return parsed.text;
  const from = parsed.forwarded.from ? ` from ${parsed.forwarded.from}` : '';
  return `${parsed.text}\n\n[Forwarded message${from}]\n${parsed.forwarded.text}`.trim();
}

/** Handles every record of an SES receipt event, one after another. */
export async function receiveInboundMail(event: SesReceiptEvent): Promise<InboundOutcome[]> {
  const outcomes: InboundOutcome[] = [];
  for (const record of event.Records) outcomes.push(await receiveOne(record));
  return outcomes;
}

async function receiveOne(record: SesReceiptRecord): Promise<InboundOutcome> {
  const { mail, receipt } = record.ses;
  const rawKey = rawMailKey(mail.messageId);
  const raw = await readRawMail(rawKey);
  let parsed: ParsedReply;
  let unreadable = false;
  try {
    parsed = await parseReply(raw);
  } catch (error) {
    // The bytes are the problem, not the moment: a retry would fail the same way, and the
    // message would be parked unseen. Keep it, matched by its envelope, for a person to read.
    log.warn('reply could not be parsed: kept as unclassified', {
      sesMessageId: mail.messageId,
      error: (error as Error).name,
    });
    parsed = fromSesHeaders(mail);
    unreadable = true;
  }
  // The Message-ID is what a second delivery of the same message shares; SES's own id differs per delivery.
  const messageId = parsed.messageId ?? mail.commonHeaders.messageId ?? `<${mail.messageId}@ses>`;
  const messageIdHash = sha256hex(messageId);
  const receivedAt = new Date(receipt.timestamp).toISOString();

  const match = await findConsultee(tokenCandidates(receipt.recipients, parsed));
  if (!match) return storeUnmatched(parsed, { messageId, messageIdHash, receivedAt, rawKey });

  const reading: StanceReading | null = unreadable
    ? { stance: 'unclassified', reason: 'the message could not be read' }
    : parsed.kind === 'response'
      ? readStance(parsed.subject, parsed.text, parsed.forwarded?.text)
      : null;
  const reply = Reply.parse({
    replyId: messageIdHash,
    proposalId: match.proposalId,
    consulteeEmail: match.consultee.email,
    kind: parsed.kind,
    messageId,
    from: parsed.from,
    subject: clip(parsed.subject, MAX_SUBJECT_CHARS),
    receivedAt,
    stance: reading?.stance ?? null,
    ...(reading ? { stanceReason: reading.reason } : {}),
    comment: unreadable ? UNREADABLE_COMMENT : clip(commentOf(parsed), MAX_COMMENT_CHARS),
    ...(unreadable ? { unreadable: true } : {}),
    // Judged by receipt time, never by where the workflow is (DESIGN.md "Late replies"): after the
    // deadline, or after an early close, which freezes the tally (issue 15).
    ...lateness(receivedAt, match.proposal.consultation),
    // A From that is not the consultee's, or one that failed sender authentication (issue 21),
    // is held for a manager to accept: a forged From equal to the consultee's is not counted.
    senderMismatch: parsed.from !== match.consultee.email.toLowerCase() || authenticationFailed(receipt),
    ...(authenticationFailed(receipt) ? { authFailed: true } : {}),
    rawKey,
  } satisfies Reply);

  // A withdrawn or decided proposal takes no more answers: the reply is kept, and changes nothing.
  const open = !FINAL_STATUSES.includes(match.proposal.status);
  // The common case, a counted response's first delivery, in one transaction (first-response.ts).
  const first = open && isCounted(reply) && (await countFirstResponse(reply, parsed, match));
  let stored = true;
  let effective = reply;
  let counted = first;
  if (!first) {
    stored = await putOnce(replyKey(match.proposalId, messageIdHash), reply);
    // A second delivery re-applies the first one's effects (all idempotent) instead of stopping:
    // if the first attempt failed half-way, the retry still counts the reply and closes early.
    effective = stored ? reply : await readStoredReply(match.proposalId, messageIdHash, reply);
    counted =
      open &&
      (await applyReply(effective, parsed, match, {
        firstDelivery: stored,
        fromMailSystem: fromMailSystem(mail.source, parsed.from, match.consultee.email),
      }));
  }

  const outcome: InboundOutcome = {
    messageIdHash,
    kind: effective.kind,
    proposalId: match.proposalId,
    stance: effective.stance,
    counted,
    duplicate: !stored,
  };
  log.info(stored ? 'reply stored' : 'duplicate delivery of a stored reply', {
    messageIdHash,
    proposalId: match.proposalId,
    reference: match.proposal.reference,
    proposalOpen: open,
    kind: effective.kind,
    stance: effective.stance,
    counted,
    late: effective.late,
    senderMismatch: effective.senderMismatch,
  });
  return outcome;
}

async function storeUnmatched(
  parsed: ParsedReply,
  ids: { messageId: string; messageIdHash: string; receivedAt: string; rawKey: string },
): Promise<InboundOutcome> {
  const reply = Reply.parse({
    replyId: ids.messageIdHash,
    proposalId: null,
    consulteeEmail: null,
    kind: 'unmatched',
    messageId: ids.messageId,
    from: parsed.from,
    subject: clip(parsed.subject, MAX_SUBJECT_CHARS),
    receivedAt: ids.receivedAt,
    stance: null,
    comment: clip(parsed.text, MAX_COMMENT_CHARS),
    late: false,
    senderMismatch: false,
    rawKey: ids.rawKey,
  } satisfies Reply);
  const stored = await putOnce(unmatchedReplyKey(ids.messageIdHash), reply);
  log.warn('reply with no known reply token kept for triage', {
    messageIdHash: ids.messageIdHash,
    kind: 'unmatched',
    mailKind: parsed.kind,
    duplicate: !stored,
  });
  return {
    messageIdHash: ids.messageIdHash,
    kind: 'unmatched',
    proposalId: null,
    stance: null,
    counted: false,
    duplicate: !stored,
  };
}

/**
 * A counted response's first delivery: the reply, the consultee's response and the timeline entry
 * in one transaction, then the counts and the early close as applyReply moves them. False when the
 * transaction did not apply (a duplicate, a newer reply, counts behind): nothing was written then.
 */
async function countFirstResponse(reply: Reply, parsed: ParsedReply, match: Match): Promise<boolean> {
  const { proposalId, consultee } = match;
  const standing = await writeFirstResponse({
    proposalId,
    email: consultee.email,
    replyKey: replyKey(proposalId, reply.replyId),
    reply,
    update: responseUpdate(reply, respondedAt(reply, parsed)),
    known: match.proposal.countedStates?.[consulteeCountKey(consultee.email)],
    event: { name: 'reply-received', detail: responseDetail(consultee.name, reply, true) },
  });
  if (!standing) return false;
  const synced = await syncConsulteeCount(proposalId, standing, match.proposal);
  await closeEarlyIfComplete(proposalId, synced);
  return true;
}

/**
 * What a stored reply changes: the consultee, the timeline (first delivery only), the counts and,
 * after the last counted response, the workflow. Every step is safe to repeat. Returns whether the
 * reply is counted.
 */
async function applyReply(
  reply: Reply,
  parsed: ParsedReply,
  match: Match,
  options: { firstDelivery: boolean; fromMailSystem: boolean },
): Promise<boolean> {
  const { proposalId } = match;
  const counted = isCounted(reply);
  let event: { name: string; detail: string } | undefined;
  let mayCloseEarly = false;
  let synced: CountsView | undefined;

  if (reply.kind === 'auto-reply') return false;

  if (reply.kind === 'delivery-report') {
    if (!options.fromMailSystem) {
      // A report shaped like a bounce that the consultee (or anyone) wrote: kept, and it changes
      // nothing, so nobody can take themselves (or another) out of the tally with a forged DSN.
      log.warn('delivery report not from a mail system: kept, not treated as a bounce', {
        messageIdHash: reply.replyId,
        proposalId,
      });
      return false;
    }
    if (!isBounceOf(parsed, match.consultee.email)) {
      event = {
        name: 'delivery-report',
        detail: `A delivery report for ${match.consultee.name} was kept; it reports no failure of their address.`,
      };
    } else {
      const bounced = await markBounced(proposalId, match.consultee.email);
      if (bounced) synced = await syncConsulteeCount(proposalId, bounced, match.proposal);
      event = {
        name: 'consultee-bounced',
        detail: bounced
          ? `The consultation mail to ${match.consultee.name} could not be delivered.`
          : `A delivery failure for ${match.consultee.name} arrived after their counted response; it changes nothing.`,
      };
      mayCloseEarly = bounced !== undefined;
    }
  } else if (counted) {
    const standing = await recordResponse(
      proposalId,
      match.consultee.email,
      reply,
      respondedAt(reply, parsed),
    );
    if (standing) synced = await syncConsulteeCount(proposalId, standing, match.proposal);
    event = {
      name: 'reply-received',
      detail: responseDetail(match.consultee.name, reply, standing !== undefined),
    };
    mayCloseEarly = true;
  } else {
    await flagUncountedReply(proposalId, match.consultee.email, reply);
    if (reply.kind === 'response' && reply.late) {
      await countLateReply(proposalId, reply.replyId, match.proposal);
    }
    event = { name: 'reply-received', detail: responseDetail(match.consultee.name, reply, false) };
  }

  if (options.firstDelivery && event) await addTimelineEvent(proposalId, event.name, event.detail);
  if (mayCloseEarly) await closeEarlyIfComplete(proposalId, synced);
  return counted;
}

/**
 * When the consultee wrote it: the Date header, but never later than its arrival (a clock running
 * fast must not let a reply outrank one written after it). Orders a consultee's replies.
 */
function respondedAt(reply: Reply, parsed: ParsedReply): string {
  const received = Date.parse(reply.receivedAt);
  const written = parsed.date === null ? Number.NaN : Date.parse(parsed.date);
  return Number.isNaN(written) || written > received ? reply.receivedAt : new Date(written).toISOString();
}

/**
 * Makes this reply the consultee's counted one, unless a reply written later is already counted:
 * a newer reply replaces the stance, an older one delivered late never does. Returns the consultee
 * as this write left it when the reply now stands, undefined when a newer one does.
 */
export async function recordResponse(
  proposalId: string,
  email: string,
  reply: Reply,
  at: string,
): Promise<(CountedConsultee & { name: string }) | undefined> {
  return updateCountedConsultee<CountedConsultee & { name: string }>(
    proposalId,
    email,
    responseUpdate(reply, at),
  );
}

/** The consultee write of recordResponse: the reply's stance, unless a reply written later stands. */
function responseUpdate(reply: Reply, at: string): ConsulteeUpdate {
  return {
    set: '#status = :responded, #stance = :stance, #stanceReason = :reason, #respondedAt = :at, #comment = :comment, #replyId = :replyId, #late = :false, #senderMismatch = :false',
    condition:
      'attribute_exists(PK) AND (attribute_not_exists(#respondedAt) OR attribute_type(#respondedAt, :nullType) OR #respondedAt < :at OR #replyId = :replyId)',
    names: {
      '#status': 'status',
      '#stance': 'stance',
      '#stanceReason': 'stanceReason',
      '#respondedAt': 'respondedAt',
      '#comment': 'comment',
      '#replyId': 'replyId',
      '#late': 'late',
      '#senderMismatch': 'senderMismatch',
    },
    values: {
      ':responded': 'responded',
      ':stance': reply.stance,
      ':reason': stanceReasonOf(reply),
      ':at': at,
      ':comment': reply.comment,
      ':replyId': reply.replyId,
      ':false': false,
      ':nullType': 'NULL',
    },
  };
}

/**
 * A late or mismatched reply is kept but not counted; the consultee shows the flag only while they
 * have no counted response (a counted one says more than a stray late copy).
 */
async function flagUncountedReply(proposalId: string, email: string, reply: Reply): Promise<void> {
  const flags = { late: reply.late, senderMismatch: reply.senderMismatch };
  const set = Object.entries(flags).filter(([, value]) => value);
  if (set.length === 0) return;
  await conditionHeld(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: consulteeKey(proposalId, email),
        UpdateExpression: `SET ${set.map(([name]) => `#${name} = :true`).join(', ')}`,
        ConditionExpression: 'attribute_exists(PK) AND #status <> :responded',
        ExpressionAttributeNames: {
          '#status': 'status',
          ...Object.fromEntries(set.map(([name]) => [`#${name}`, name])),
        },
        ExpressionAttributeValues: { ':true': true, ':responded': 'responded' },
      }),
    ),
  );
}

/** Late is after the deadline, or after the close when the consultation closed early. */
function lateness(
  receivedAt: string,
  consultation: { deadline: string; closedAt?: string | null },
): { late: boolean; afterClose?: true } {
  const at = Date.parse(receivedAt);
  if (at > Date.parse(consultation.deadline)) return { late: true };
  if (consultation.closedAt && at > Date.parse(consultation.closedAt))
    return { late: true, afterClose: true };
  return { late: false };
}

/** The timeline's words for a response: the consultee's name and the stance, never address or text. */
function responseDetail(name: string, reply: Reply, stands: boolean): string {
  const stance = reply.stance ?? 'unclassified';
  if (reply.afterClose) {
    return `${name}: reply after the consultation closed (${stance}); kept and listed, not counted.`;
  }
  if (reply.late && reply.senderMismatch) {
    return `${name}: reply after the deadline, from a different address (${stance}); not counted.`;
  }
  if (reply.late) return `${name}: reply after the deadline (${stance}); kept, not counted.`;
  if (reply.authFailed) {
    return `${name}: reply that failed sender authentication (SPF/DKIM/DMARC) (${stance}); not counted until a manager accepts it.`;
  }
  if (reply.senderMismatch) {
    return `${name}: reply from a different address (${stance}); not counted until a manager accepts it.`;
  }
  if (!stands) return `${name}: an earlier reply delivered late (${stance}); their newer reply stands.`;
  return `${name} replied: ${stance}.`;
}

/**
 * The early close of DESIGN.md: the last counted response sends the stored task token. `synced`
 * is the proposal as the count sync after this reply's consultee write left it; without it the
 * proposal is read. Either way it is read after the consultee write: if CollectResponses stores
 * its token later, it sees everyone answered and closes itself, so one of the two always does.
 * The counts decide cheaply; the consultees themselves confirm before the workflow moves on.
 */
export async function closeEarlyIfComplete(proposalId: string, synced?: CountsView): Promise<void> {
  const proposal = synced ?? (await readCountsView(proposalId));
  const taskToken = proposal?.collectTaskToken;
  if (!proposal || !taskToken || !countsSayEveryoneResponded(proposal)) return;
  if (await everyoneHasResponded(proposalId)) await closeCollectionEarly(proposalId, taskToken);
}
