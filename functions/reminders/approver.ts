// The approver's reminder: the same signed review link again (the signature is computed from the
// review item, so it is the very link first sent), once, while the review is still open. The claim
// is a conditional write on the review item that fails once it is decided, void or expired.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getReviewLinkKey, publicBaseUrl, reviewUrl, signReview } from '../review/link.js';
import { reviewRequestView } from '../review/request.js';
import { findReview, isExpired, type ReviewRecord } from '../review/store.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { reviewKey } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import { sendMail } from '../shared/mailer.js';
import { isConditionFailure } from '../shared/store/conditions.js';
import { getProposal, type ProposalRecord } from '../shared/store/proposals.js';
import { renderMessage } from '../shared/templates.js';
import { formatUkDateTime } from '../shared/uk-dates.js';
import type { KindOutcome, ReminderRequest } from './kinds.js';

const reminded = (review: ReviewRecord): KindOutcome['event'] => ({
  name: 'approver-reminded',
  detail: `Reminder sent to the approver, ${review.approverName}; the review link expires ${formatUkDateTime(review.expiresAt)}.`,
});

/** Why this review takes no reminder now; undefined while the approver may still decide through it. */
export function undecidedReason(
  proposal: ProposalRecord,
  review: ReviewRecord | undefined,
  now: Date,
): string | undefined {
  if (proposal.status !== 'awaiting-approval') return `proposal ${proposal.status}`;
  if (!review || proposal.reviewId !== review.reviewId) return 'review superseded';
  if (review.state !== 'open') return `review ${review.state}`;
  if (isExpired(review, now)) return 'review expired';
  if (review.mailMarker !== 'sent') return 'review link not sent';
  return undefined;
}

export async function remindApprover(request: ReminderRequest, now: Date): Promise<KindOutcome> {
  const reviewId = request.roundId;
  if (reviewId === null) return { reminded: 0, sent: 0, skipped: 'no review named', event: null };
  const [proposal, review] = await Promise.all([getProposal(request.proposalId), findReview(reviewId)]);
  const closed = undecidedReason(proposal, review, now);
  if (closed || !review) return { reminded: 0, sent: 0, skipped: closed ?? 'no review', event: null };
  // Sent by an attempt that stopped before its timeline event: the event is still owed.
  if (review.reminderMarker === 'sent') return { reminded: 1, sent: 0, event: reminded(review) };
  if (!(await claimApproverReminder(reviewId, now))) {
    return { reminded: 0, sent: 0, skipped: 'claimed by another attempt, or decided', event: null };
  }

  try {
    const key = await getReviewLinkKey();
    const url = reviewUrl(publicBaseUrl(), reviewId, signReview(key, review));
    await sendMail(
      {
        to: review.approverEmail,
        ...renderMessage('review-reminder', reviewRequestView(proposal, review, url)),
      },
      { proposalId: proposal.proposalId, kind: 'review-reminder' },
    );
  } catch (error) {
    await settleApproverReminder(reviewId, false).catch((releaseError: unknown) =>
      log.error('reminder marker not released', {
        proposalId: proposal.proposalId,
        reviewId,
        error: (releaseError as Error).name,
      }),
    );
    throw error;
  }
  await settleApproverReminder(reviewId, true);
  return { reminded: 1, sent: 1, event: reminded(review) };
}

/** The one reminder of this review, while it is open, in date and its link was sent. */
export async function claimApproverReminder(reviewId: string, now: Date): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: reviewKey(reviewId),
        UpdateExpression: 'SET #marker = :sending',
        ConditionExpression:
          'attribute_exists(PK) AND #state = :open AND #expiresAt > :now AND #mailMarker = :sent' +
          ' AND attribute_not_exists(#marker)',
        ExpressionAttributeNames: {
          '#marker': 'reminderMarker',
          '#state': 'state',
          '#expiresAt': 'expiresAt',
          '#mailMarker': 'mailMarker',
        },
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':open': 'open',
          ':now': now.toISOString(),
          ':sent': 'sent',
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

async function settleApproverReminder(reviewId: string, sent: boolean): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: reviewKey(reviewId),
      UpdateExpression: sent ? 'SET #marker = :sent' : 'REMOVE #marker',
      ConditionExpression: '#marker = :sending',
      ExpressionAttributeNames: { '#marker': 'reminderMarker' },
      ExpressionAttributeValues: sent
        ? { ':sent': 'sent', ':sending': 'sending' }
        : { ':sending': 'sending' },
    }),
  );
}
