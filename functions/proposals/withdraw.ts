// Withdrawing a proposal (manager): stop its lifecycle, void any open review or advice link (it then
// answers 410, saying why), record the reason in the timeline, and tell the people who were told of
// the proposal. The API handler and the web page both call this.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { voidAdvice } from '../dpo/store.js';
import { voidReview } from '../review/store.js';
import { ConflictError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import { line } from '../shared/model/fields.js';
import {
  addTimelineEvent,
  changeStatus,
  getProposal,
  type ProposalRecord,
  type ProposalStatus,
  UNDECIDED_STATUSES,
} from '../shared/store/proposals.js';
import { stopLifecycle } from '../shared/workflow.js';
import { countWithdrawal } from '../stats/counters.js';
import { mailWithdrawal } from './withdrawal-mail.js';

export const WITHDRAWABLE: readonly ProposalStatus[] = UNDECIDED_STATUSES;

export const REASON_MIN = 10;
export const REASON_MAX = 500;

/**
 * Why a proposal was withdrawn: one line, sent to the consultees and the approver and shown on the
 * approver's dead link, so it is written for them (the site is withheld from the consultees' copy).
 */
export const WithdrawalReason = line(REASON_MIN, REASON_MAX).check(
  z.refine(
    (reason) => !reason.includes('@'),
    'Leave out e-mail addresses: the reason is sent to the consultees and the approver',
  ),
);

/** The body of POST /proposals/{id}/withdraw; SPEC 7 calls it with no body, so the reason is optional there. */
export const WithdrawalInput = z.object({ reason: z.optional(WithdrawalReason) });

/** What is kept on the proposal once it is withdrawn. */
export type Withdrawal = NonNullable<ProposalRecord['withdrawal']>;

export interface WithdrawnProposal {
  proposalId: string;
  reference: string;
  status: 'withdrawn';
  reason: string | null;
  /** Consultees, approver and DPO told by mail. */
  notified: number;
}

/** Past scoring someone outside the team has heard of the proposal, so they hear it is withdrawn. */
const TOLD: readonly ProposalStatus[] = ['consulting', 'awaiting-dpo-advice', 'awaiting-approval', 'expired'];

export async function withdrawProposal(
  proposalId: string,
  withdrawnBy: string,
  reason?: string,
  now = new Date(),
): Promise<WithdrawnProposal> {
  const proposal = await getProposal(proposalId);
  const withdrawal: Withdrawal = { at: now.toISOString(), by: withdrawnBy, reason: reason ?? null };
  if (!(await changeStatus(proposal.proposalId, 'withdrawn', [...WITHDRAWABLE], { withdrawal }))) {
    throw new ConflictError(
      `Proposal ${proposal.reference} is ${proposal.status} and can no longer be withdrawn.`,
    );
  }
  await countWithdrawal(proposal);
  if (proposal.executionArn) await stopLifecycle(proposal.executionArn, `Withdrawn by ${withdrawnBy}`);
  if (proposal.reviewId) await voidReview(proposal.reviewId, 'withdrawn');
  if (proposal.dpo) await voidAdvice(proposal.dpo.adviceId, 'withdrawn');
  await addTimelineEvent(
    proposal.proposalId,
    'withdrawn',
    reason ? `Withdrawn by ${withdrawnBy}. Reason: ${reason}` : `Withdrawn by ${withdrawnBy}`,
    now,
  );
  const notified = TOLD.includes(proposal.status) ? await mailWithdrawal(proposal, withdrawal) : 0;
  log.info('proposal withdrawn', {
    proposalId: proposal.proposalId,
    reference: proposal.reference,
    notified,
  });
  return {
    proposalId: proposal.proposalId,
    reference: proposal.reference,
    status: 'withdrawn',
    reason: withdrawal.reason,
    notified,
  };
}
