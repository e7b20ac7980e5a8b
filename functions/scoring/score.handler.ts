// ScorePressingNeed state: score the proposal under its policy (issue 19: the one it names, else the
// deployment's default) and keep the factors and the policy version.
import { log } from '../shared/logger.js';
import { addTimelineEvent, changeStatus, getProposal, updateProposal } from '../shared/store/proposals.js';
import { scoreProposal } from './policies.js';

export const handler = async (event: { proposalId: string }) => {
  const proposal = await getProposal(event.proposalId);
  if (proposal.status !== 'scoring' && !(await changeStatus(proposal.proposalId, 'scoring', ['submitted']))) {
    throw new Error(`Proposal ${proposal.reference} is ${proposal.status}: not scoring it`);
  }
  // Scoring is a pure function of the stored input, so a retry writes the same values again.
  const pressingNeed = scoreProposal(proposal.input);
  await updateProposal(proposal.proposalId, { pressingNeed });
  if (proposal.pressingNeed === null) {
    await addTimelineEvent(
      proposal.proposalId,
      'scored',
      `Pressing need ${pressingNeed.score}/100: ${pressingNeed.band} (policy ${pressingNeed.policyVersion})`,
    );
  }
  log.info('proposal scored', {
    proposalId: proposal.proposalId,
    reference: proposal.reference,
    band: pressingNeed.band,
  });
  return { score: pressingNeed.score, band: pressingNeed.band };
};
