import { getReviewLinkKey, publicBaseUrl, reviewUrl, signReview } from '../review/link.js';
import { reviewRequestView } from '../review/request.js';
import { findReview, isExpired, type ReviewRecord } from '../review/store.js';
import { reviewKey } from '../shared/keys.js';
import { sendMail } from '../shared/mailer.js';
import { remindOnce } from '../shared/store/markers.js';
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
  const sent = await remindOnce(reviewKey(reviewId), now, async () => {
    const key = await getReviewLinkKey();
    const url = reviewUrl(publicBaseUrl(), reviewId, signReview(key, review));
    await sendMail(
      {
        to: review.approverEmail,
        ...renderMessage('review-reminder', reviewRequestView(proposal, review, url)),
      },
      { proposalId: proposal.proposalId, kind: 'review-reminder' },
    );
  });
  if (!sent) return { reminded: 0, sent: 0, skipped: 'claimed by another attempt, or decided', event: null };
  return { reminded: 1, sent: 1, event: reminded(review) };
}
