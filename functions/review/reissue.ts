// Re-issuing a review link (manager, SPEC 10): after an approval expired, MarkApprovalExpired left
// its task token on the proposal. Sending it returns the workflow to RequestApproval, which mails
// the approver a fresh link; the old one stays void (410).
import { ConflictError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import { conditionHeld } from '../shared/store/conditions.js';
import { addTimelineEvent, getProposal, updateProposal } from '../shared/store/proposals.js';
import { completeTask } from '../shared/workflow.js';

export interface ReissuedLink {
  proposalId: string;
  reference: string;
  /** The workflow mails the new link; the proposal is awaiting approval again once it has. */
  status: 'awaiting-approval';
  reissuedBy: string;
  reissuedAt: string;
}

export async function reissueReviewLink(
  proposalId: string,
  reissuedBy: string,
  now = new Date(),
): Promise<ReissuedLink> {
  const proposal = await getProposal(proposalId);
  if (proposal.status !== 'expired') {
    throw new ConflictError(
      `Proposal ${proposal.reference} is ${proposal.status}: only an expired approval gets a new review link.`,
    );
  }
  const token = proposal.reissueTaskToken;
  if (!token) {
    throw new ConflictError(
      `Proposal ${proposal.reference}: a new review link has already been asked for, or the expiry is still being recorded; reload the proposal in a moment.`,
    );
  }
  const reissuedAt = now.toISOString();
  // The token is single-use: of two managers asking at once, the second finds the task closed.
  if (!(await completeTask(token, { reissuedBy, reissuedAt }))) {
    throw new ConflictError(
      `Proposal ${proposal.reference}: a new review link has already been asked for, or the lifecycle has stopped.`,
    );
  }
  // Only this token: should the new link expire too, its own token must stay.
  await conditionHeld(
    updateProposal(
      proposal.proposalId,
      { reissueTaskToken: null },
      { expression: '#used = :used', names: { '#used': 'reissueTaskToken' }, values: { ':used': token } },
    ),
  );
  await addTimelineEvent(
    proposal.proposalId,
    'review-link-reissued',
    `${reissuedBy} asked for a new review link; the expired one stays void.`,
    now,
  );
  log.info('review link re-issued', { proposalId: proposal.proposalId, reference: proposal.reference });
  return {
    proposalId: proposal.proposalId,
    reference: proposal.reference,
    status: 'awaiting-approval',
    reissuedBy,
    reissuedAt,
  };
}
