// Withdrawing a proposal (manager): stop its lifecycle, void any open review link (it then answers
// 410) and say so in the timeline. The API handler and the web page both call this.
import { voidAdvice } from '../dpo/store.js';
import { voidReview } from '../review/store.js';
import { ConflictError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import {
  addTimelineEvent,
  changeStatus,
  getProposal,
  type ProposalStatus,
} from '../shared/store/proposals.js';
import { stopLifecycle } from '../shared/workflow.js';
import { countWithdrawal } from '../stats/counters.js';

export const WITHDRAWABLE: readonly ProposalStatus[] = [
  'submitted',
  'scoring',
  'consulting',
  'awaiting-dpo-advice',
  'awaiting-approval',
  'expired',
];

export interface WithdrawnProposal {
  proposalId: string;
  reference: string;
  status: 'withdrawn';
}

export async function withdrawProposal(proposalId: string, withdrawnBy: string): Promise<WithdrawnProposal> {
  const proposal = await getProposal(proposalId);
  if (!(await changeStatus(proposal.proposalId, 'withdrawn', [...WITHDRAWABLE]))) {
    throw new ConflictError(
      `Proposal ${proposal.reference} is ${proposal.status} and can no longer be withdrawn.`,
    );
  }
  await countWithdrawal(proposal);
  if (proposal.executionArn) await stopLifecycle(proposal.executionArn, `Withdrawn by ${withdrawnBy}`);
  if (proposal.reviewId) await voidReview(proposal.reviewId, 'withdrawn');
  if (proposal.dpo) await voidAdvice(proposal.dpo.adviceId, 'withdrawn');
  await addTimelineEvent(proposal.proposalId, 'withdrawn', `Withdrawn by ${withdrawnBy}`);
  log.info('proposal withdrawn', { proposalId: proposal.proposalId, reference: proposal.reference });
  return { proposalId: proposal.proposalId, reference: proposal.reference, status: 'withdrawn' };
}
