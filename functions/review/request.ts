// RequestApproval: opens a review for the proposal's approver, keeps the workflow's task token on
// it, and mails the approver a signed link. A replay of the same task mails nobody twice.

import { approvalTimeoutSecondsFromEnv } from '../consultation/close.js';
import { scheduleApproverReminder } from '../reminders/schedule.js';
import { log } from '../shared/logger.js';
import { sendMail } from '../shared/mailer.js';
import type { Tally } from '../shared/model/consultation.js';
import {
  addTimelineEvent,
  changeStatus,
  getProposal,
  type ProposalRecord,
  type ProposalStatus,
  updateProposal,
} from '../shared/store/proposals.js';
import { mailLinkOnce } from '../shared/store/signed-links.js';
import { renderMessage } from '../shared/templates.js';
import { formatUkDateTime } from '../shared/uk-dates.js';
import { getReviewLinkKey, publicBaseUrl, reviewUrl, signReview } from './link.js';
import { createReview, findReview, newReviewId, REVIEWS, type ReviewRecord, voidReview } from './store.js';

export interface RequestApprovalInput {
  proposalId: string;
  taskToken: string;
}

/** Approval follows consultation; `expired` comes back here when a manager re-issues the link. */
const REQUESTABLE: readonly ProposalStatus[] = [
  'consulting',
  'awaiting-dpo-advice',
  'awaiting-approval',
  'expired',
];

/** What templates/review-request/ is rendered with. The site is left to the signed page. */
export interface ReviewRequestView {
  reference: string;
  title: string;
  cameraType: string;
  publicArea: string;
  approverName: string;
  reviewUrl: string;
  /** The deadline to decide, in UK local time, and as ISO 8601. */
  expiresAt: string;
  expiresAtIso: string;
  pressingNeed: { score: number; band: string; policyVersion: string } | null;
  consultation: { mailed: number; responded: number; late: number; tally: Tally };
}

export async function requestApproval(
  input: RequestApprovalInput,
  now = new Date(),
): Promise<{ reviewId: string | null; mailed: boolean }> {
  const proposal = await getProposal(input.proposalId);
  // A withdrawn or failed proposal is never reopened by a late task.
  if (!(await changeStatus(proposal.proposalId, 'awaiting-approval', REQUESTABLE))) {
    log.warn('approval not requested: proposal is closed', { proposalId: proposal.proposalId });
    return { reviewId: null, mailed: false };
  }

  let review = proposal.reviewId ? await findReview(proposal.reviewId) : undefined;
  if (!review || review.taskToken !== input.taskToken) {
    // A new round (first request, or a re-issue after expiry): the previous link stops working.
    if (review?.state === 'open') await voidReview(review.reviewId, 'superseded');
    review = await openReview(proposal, input.taskToken, now);
  }
  const open = review;
  const mailed = await mailLinkOnce(
    REVIEWS,
    { id: open.reviewId, ...open },
    {
      send: () => mailReviewLink(proposal, open),
      recorded: () =>
        addTimelineEvent(
          proposal.proposalId,
          'approval-requested',
          `Review link sent to the approver, ${open.approverName}; it expires ${formatUkDateTime(open.expiresAt)}.`,
          now,
        ),
      // One reminder per review, timed from when it was opened; never holding up this task.
      remind: () => scheduleApproverReminder(open, now),
    },
  );
  if (mailed) {
    log.info('approval requested', {
      proposalId: proposal.proposalId,
      reference: proposal.reference,
      reviewId: open.reviewId,
    });
  }
  return { reviewId: open.reviewId, mailed };
}

/** The approver's request mail, with the review's signed link. */
async function mailReviewLink(proposal: ProposalRecord, review: ReviewRecord) {
  const url = reviewUrl(publicBaseUrl(), review.reviewId, signReview(await getReviewLinkKey(), review));
  return sendMail(
    {
      to: review.approverEmail,
      ...renderMessage('review-request', reviewRequestView(proposal, review, url)),
    },
    { proposalId: proposal.proposalId, kind: 'review-request' },
  );
}

/**
 * The proposal points at the review before the review exists: a crash between the two writes
 * leaves a pointer to nothing, which the replay replaces, rather than an orphaned open review.
 */
async function openReview(proposal: ProposalRecord, taskToken: string, now: Date): Promise<ReviewRecord> {
  const reviewId = newReviewId();
  await updateProposal(proposal.proposalId, { reviewId });
  return createReview({
    reviewId,
    proposalId: proposal.proposalId,
    approverEmail: proposal.input.approver.email,
    approverName: proposal.input.approver.name,
    // The same timeout RequestApproval waits for (CloseConsultation hands it to the state machine).
    expiresAt: new Date(now.getTime() + approvalTimeoutSecondsFromEnv() * 1000).toISOString(),
    taskToken,
    createdAt: now.toISOString(),
  });
}

export function reviewRequestView(
  proposal: ProposalRecord,
  review: Pick<ReviewRecord, 'approverName' | 'expiresAt'>,
  url: string,
): ReviewRequestView {
  const { pressingNeed, consultation } = proposal;
  return {
    reference: proposal.reference,
    title: proposal.input.title,
    cameraType: proposal.input.cameraType,
    publicArea: proposal.input.publicArea,
    approverName: review.approverName,
    reviewUrl: url,
    expiresAt: formatUkDateTime(review.expiresAt),
    expiresAtIso: review.expiresAt,
    pressingNeed: pressingNeed
      ? { score: pressingNeed.score, band: pressingNeed.band, policyVersion: pressingNeed.policyVersion }
      : null,
    consultation: {
      mailed: consultation.mailed,
      responded: consultation.responded,
      late: consultation.late,
      tally: { ...consultation.tally },
    },
  };
}
