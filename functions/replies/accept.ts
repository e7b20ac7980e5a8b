// A manager accepts a reply that came from another address than the consultee's (a clerk
// answering for a councillor, a personal mailbox): from then on it counts like any other.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { syncConsulteeCount } from '../consultation/summary.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { replyKey } from '../shared/keys.js';
import type { Reply } from '../shared/model/consultation.js';
import { isConditionFailure } from '../shared/store/conditions.js';
import { addTimelineEvent, getProposal, listConsultees } from '../shared/store/proposals.js';
import { closeEarlyIfComplete, recordResponse } from './inbound.js';

export async function acceptReply(
  proposalId: string,
  replyId: string,
  acceptedBy: string,
  now = new Date(),
  reason?: string,
) {
  const proposal = await getProposal(proposalId);
  if (!['consulting', 'awaiting-dpo-advice', 'awaiting-approval'].includes(proposal.status)) {
    throw new ConflictError(
      `Proposal ${proposal.reference} is ${proposal.status}: its replies can no longer change.`,
    );
  }
  const out = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: replyKey(proposalId, replyId) }),
  );
  const reply = out.Item as (Reply & { acceptedBy?: string }) | undefined;
  if (reply?.kind !== 'response' || !reply.consulteeEmail) {
    throw new NotFoundError(`Proposal ${proposal.reference} has no reply ${replyId}.`);
  }
  if (!reply.senderMismatch)
    throw new ConflictError('This reply came from the consultee and already counts.');
  if (reply.late)
    throw new ConflictError('This reply arrived after the deadline: late replies stay out of the tally.');
  if (reply.acceptedBy) return { replyId, accepted: true, acceptedBy: reply.acceptedBy };

  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: replyKey(proposalId, replyId),
        UpdateExpression: `SET #acceptedBy = :by, #acceptedAt = :at${reason ? ', #acceptReason = :reason' : ''}`,
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(#acceptedBy)',
        ExpressionAttributeNames: {
          '#acceptedBy': 'acceptedBy',
          '#acceptedAt': 'acceptedAt',
          ...(reason ? { '#acceptReason': 'acceptReason' } : {}),
        },
        ExpressionAttributeValues: {
          ':by': acceptedBy,
          ':at': now.toISOString(),
          ...(reason ? { ':reason': reason } : {}),
        },
      }),
    );
  } catch (error) {
    // Another manager accepted it a moment ago: the same answer as accepting it twice.
    if (isConditionFailure(error))
      return { replyId, accepted: true, acceptedBy: reply.acceptedBy ?? acceptedBy };
    throw error;
  }
  // Counted as of when it was received, so a newer reply from the consultee still wins.
  const standing = await recordResponse(
    proposalId,
    reply.consulteeEmail,
    { ...reply, senderMismatch: false },
    reply.receivedAt,
  );
  const synced = standing ? await syncConsulteeCount(proposalId, standing, proposal) : undefined;
  const name =
    standing?.name ??
    (await listConsultees(proposalId)).find(
      (c) => c.email.toLowerCase() === reply.consulteeEmail?.toLowerCase(),
    )?.name;
  await addTimelineEvent(
    proposalId,
    'reply-accepted',
    `${acceptedBy} accepted the reply for ${name ?? 'a consultee'} sent from another address (${reply.stance ?? 'unclassified'})${reason ? `: ${reason}` : '.'}`,
    now,
  );
  if (proposal.status === 'consulting') await closeEarlyIfComplete(proposalId, synced);
  return { replyId, accepted: true, acceptedBy };
}
