// The approver's one reminder of their review link (reminders/link.ts has the rules).
import { publicBaseUrl, reviewUrl, signReview } from '../review/link.js';
import { reviewRequestView } from '../review/request.js';
import { findReview, type ReviewRecord } from '../review/store.js';
import { reviewKey } from '../shared/keys.js';
import { sendMail } from '../shared/mailer.js';
import type { ProposalRecord } from '../shared/store/proposals.js';
import { renderMessage } from '../shared/templates.js';
import { formatUkDateTime } from '../shared/uk-dates.js';
import type { KindOutcome, ReminderRequest } from './kinds.js';
import { closedReason, type LinkReminder, remindThroughLink } from './link.js';

const APPROVER: LinkReminder<ReviewRecord> = {
  round: 'review',
  link: 'review link',
  used: 'decided',
  waiting: 'awaiting-approval',
  current: (proposal) => proposal.reviewId,
  find: findReview,
  key: reviewKey,
  event: (review) => ({
    name: 'approver-reminded',
    detail: `Reminder sent to the approver, ${review.approverName}; the review link expires ${formatUkDateTime(review.expiresAt)}.`,
  }),
  mail: (proposal, review, reviewId, signingKey) =>
    sendMail(
      {
        to: review.approverEmail,
        ...renderMessage(
          'review-reminder',
          reviewRequestView(
            proposal,
            review,
            reviewUrl(publicBaseUrl(), reviewId, signReview(signingKey, review)),
          ),
        ),
      },
      { proposalId: proposal.proposalId, kind: 'review-reminder' },
    ),
};

/** Why this review takes no reminder now; undefined while the approver may still decide through it. */
export const undecidedReason = (
  proposal: ProposalRecord,
  review: ReviewRecord | undefined,
  now: Date,
): string | undefined => closedReason(APPROVER, proposal, review?.reviewId ?? '', review, now);

export const remindApprover = (request: ReminderRequest, now: Date): Promise<KindOutcome> =>
  remindThroughLink(APPROVER, request, now);
