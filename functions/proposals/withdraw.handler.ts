// POST /proposals/{id}/withdraw (manager): stop the lifecycle; any open review link answers 410.

import { voidReview } from '../review/store.js';
import { requireRole } from '../shared/auth.js';
import { ConflictError } from '../shared/errors.js';
import { httpHandler, json, pathParameter } from '../shared/http.js';
import { log } from '../shared/logger.js';
import {
  addTimelineEvent,
  changeStatus,
  getProposal,
  type ProposalStatus,
} from '../shared/store/proposals.js';
import { stopLifecycle } from '../shared/workflow.js';

const WITHDRAWABLE: ProposalStatus[] = ['submitted', 'scoring', 'consulting', 'awaiting-approval', 'expired'];

export const handler = httpHandler(async (event) => {
  const caller = requireRole(event, ['manager']);
  const proposal = await getProposal(pathParameter(event, 'id'));
  if (!(await changeStatus(proposal.proposalId, 'withdrawn', WITHDRAWABLE))) {
    throw new ConflictError(
      `Proposal ${proposal.reference} is ${proposal.status} and can no longer be withdrawn.`,
    );
  }
  if (proposal.executionArn) await stopLifecycle(proposal.executionArn, `Withdrawn by ${caller.user}`);
  if (proposal.reviewId) await voidReview(proposal.reviewId, 'withdrawn');
  await addTimelineEvent(proposal.proposalId, 'withdrawn', `Withdrawn by ${caller.user}`);
  log.info('proposal withdrawn', { proposalId: proposal.proposalId, reference: proposal.reference });
  return json(200, { proposalId: proposal.proposalId, reference: proposal.reference, status: 'withdrawn' });
});
