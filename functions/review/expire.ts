// MarkApprovalExpired (a .waitForTaskToken task): the approver did not decide in time. The link
// stops working (410), the proposal is `expired`, and the task token waits on the proposal for a
// manager to re-issue a fresh link (which sends it and so returns the workflow to RequestApproval).
import { log } from '../shared/logger.js';
import { addTimelineEvent, changeStatus, getProposal, updateProposal } from '../shared/store/proposals.js';
import { countApprovalExpired } from '../stats/counters.js';
import { voidReview } from './store.js';

export interface MarkApprovalExpiredInput {
  proposalId: string;
  taskToken: string;
}

export async function markApprovalExpired(
  input: MarkApprovalExpiredInput,
  now = new Date(),
): Promise<{ expired: boolean }> {
  const proposal = await getProposal(input.proposalId);
  if (proposal.reviewId) await voidReview(proposal.reviewId, 'expired', ['open'], now);
  await updateProposal(proposal.proposalId, { reissueTaskToken: input.taskToken });
  // Only the first run moves the status and writes the timeline: a replay finds it `expired`.
  const expired = await changeStatus(proposal.proposalId, 'expired', ['awaiting-approval']);
  if (expired) {
    await addTimelineEvent(
      proposal.proposalId,
      'approval-expired',
      'No decision was made before the review link expired; the link no longer works. A manager may issue a new one.',
      now,
    );
    log.info('approval expired', { proposalId: proposal.proposalId, reference: proposal.reference });
  }
  // A replay (already expired) tries again: the counter's marker for this link makes it count once.
  if (expired || proposal.status === 'expired') await countApprovalExpired(proposal, proposal.reviewId, now);
  return { expired };
}
