// Issue 16: a manager corrects the stance read from a reply (an unclassified one, or one the
// reader got wrong), with a reason. The reply keeps what the reader made of it beside the
// correction; the counted consultee changes once (conditional writes, the count sync's versions),
// the timeline says who changed what and why, and the decision record lists every correction.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { syncConsulteeCount, updateCountedConsultee } from '../consultation/summary.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { replyKey } from '../shared/keys.js';
import { type Reclassification, type Reply, Stance } from '../shared/model/consultation.js';
import { conditionHeld } from '../shared/store/conditions.js';
import {
  addTimelineEvent,
  getProposal,
  listConsultees,
  type ProposalStatus,
  proposalUpdate,
  type StanceCorrection,
} from '../shared/store/proposals.js';
import { stanceReasonOf } from './reason.js';

/** Replies can be triaged until the approver decides (or the proposal is withdrawn). */
export const TRIAGE_STATUSES: readonly ProposalStatus[] = [
  'consulting',
  'awaiting-dpo-advice',
  'awaiting-approval',
];

/** A reason a reader of the timeline can follow: a few words at least, not an essay. */
export const TriageReason = z
  .string()
  .check(
    z.trim(),
    z.minLength(5, 'Give a reason of at least 5 characters.'),
    z.maxLength(1000, 'Keep the reason under 1000 characters.'),
  );

export const ReclassifyInput = z.strictObject({ stance: Stance, reason: TriageReason });
export type ReclassifyInput = z.infer<typeof ReclassifyInput>;

export const AcceptInput = z.strictObject({ reason: z.optional(TriageReason) });

export interface ReclassifyResult {
  replyId: string;
  stance: Reply['stance'];
  readStance: Reply['stance'];
  /** False when the reply already had this stance: nothing changed. */
  changed: boolean;
  /** Whether the tally changed (the reply is the consultee's counted one). */
  counted: boolean;
}

type StoredReply = Reply & { acceptedBy?: string };

export async function readTriageReply(proposalId: string, replyId: string): Promise<StoredReply | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: replyKey(proposalId, replyId), ConsistentRead: true }),
  );
  return out.Item as StoredReply | undefined;
}

export async function reclassifyReply(
  proposalId: string,
  replyId: string,
  input: ReclassifyInput,
  by: string,
  now = new Date(),
): Promise<ReclassifyResult> {
  const proposal = await getProposal(proposalId);
  if (!TRIAGE_STATUSES.includes(proposal.status)) {
    throw new ConflictError(
      `Proposal ${proposal.reference} is ${proposal.status}: its replies can no longer change.`,
    );
  }
  const reply = await readTriageReply(proposalId, replyId);
  if (reply?.kind !== 'response' || !reply.consulteeEmail || reply.stance === null) {
    throw new NotFoundError(`Proposal ${proposal.reference} has no reply ${replyId}.`);
  }
  const previous = reply.stance;
  const readStance = reply.reclassification?.readStance ?? previous;
  if (previous === input.stance) {
    // Already so (a repeat, or a retry after a failure half-way): finish what the first attempt began,
    // the proposal's note of the correction and the count, each at most once.
    if (reply.reclassification?.stance === previous) {
      await noteCorrection(proposalId, { replyId, ...reply.reclassification });
    }
    const counted = await recountConsultee(proposalId, reply, reply);
    return { replyId, stance: previous, readStance, changed: false, counted };
  }
  const reclassification: Reclassification = {
    readStance,
    stance: input.stance,
    reason: input.reason,
    by,
    at: now.toISOString(),
  };
  // Conditional on the stance this manager saw: two managers correcting at once never both win.
  const changed = await conditionHeld(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: replyKey(proposalId, replyId),
        UpdateExpression: 'SET #stance = :stance, #reclassification = :r',
        ConditionExpression: 'attribute_exists(PK) AND #stance = :previous',
        ExpressionAttributeNames: { '#stance': 'stance', '#reclassification': 'reclassification' },
        ExpressionAttributeValues: { ':stance': input.stance, ':r': reclassification, ':previous': previous },
      }),
    ),
  );
  if (!changed) {
    throw new ConflictError(
      'Another manager changed this reply a moment ago: reload the page and look again.',
    );
  }
  await noteCorrection(proposalId, { replyId, ...reclassification });
  const counted = await recountConsultee(proposalId, reply, {
    ...reply,
    stance: input.stance,
    reclassification,
  });
  const name =
    (await listConsultees(proposalId)).find(
      (c) => c.email.toLowerCase() === reply.consulteeEmail?.toLowerCase(),
    )?.name ?? 'a consultee';
  await addTimelineEvent(
    proposalId,
    'reply-reclassified',
    `${by} changed the stance of the reply from ${name} from ${previous} to ${input.stance}${counted ? '' : ' (not counted)'}: ${input.reason}`,
    now,
  );
  return { replyId, stance: input.stance, readStance, changed: true, counted };
}

/**
 * The correction on the proposal, for its decision record (which reads no replies): once, whether
 * this is the first attempt or a retry after a crash between the reply's update and this one. The
 * set of corrections noted (`replyId#at`) is the condition.
 */
async function noteCorrection(proposalId: string, correction: StanceCorrection): Promise<void> {
  const key = `${correction.replyId}#${correction.at}`;
  // A correction noted already is not noted again.
  await conditionHeld(
    dynamo.send(
      proposalUpdate(proposalId, {
        UpdateExpression:
          'SET #corrections = list_append(if_not_exists(#corrections, :none), :one) ADD #noted :keys',
        ConditionExpression: 'attribute_exists(PK) AND NOT contains(#noted, :key)',
        ExpressionAttributeNames: { '#corrections': 'stanceCorrections', '#noted': 'stanceCorrectionsNoted' },
        ExpressionAttributeValues: {
          ':none': [],
          ':one': [correction],
          ':keys': new Set([key]),
          ':key': key,
        },
      }),
    ),
  );
}

/**
 * When this reply is the consultee's counted one, moves the consultee to the new stance (once:
 * conditional on the reply and on the stance not yet being the new one) and the tally with it.
 */
async function recountConsultee(proposalId: string, before: Reply, after: Reply): Promise<boolean> {
  const updated = await updateCountedConsultee(proposalId, before.consulteeEmail as string, {
    set: '#stance = :stance, #stanceReason = :reason',
    condition: 'attribute_exists(PK) AND #replyId = :replyId AND #status = :responded AND #stance <> :stance',
    names: {
      '#stance': 'stance',
      '#stanceReason': 'stanceReason',
      '#replyId': 'replyId',
      '#status': 'status',
    },
    values: {
      ':stance': after.stance,
      ':reason': stanceReasonOf(after),
      ':replyId': before.replyId,
      ':responded': 'responded',
    },
  });
  // Not the counted reply (held, late, or superseded by a newer one): only the reply changes.
  if (!updated) return false;
  await syncConsulteeCount(proposalId, updated);
  return true;
}
