// RecordDpoSilence: the DPO did not advise within dpoTimeoutDays (RequestDpoAdvice timed out). The
// link stops working, the proposal says so, and the workflow goes on to the approver. Advice that
// won the race (given just before the timeout) stands: voiding is conditional on the link being open.
import { log } from '../shared/logger.js';
import { conditionHeld } from '../shared/store/conditions.js';
import { addTimelineEvent, getProposal, updateProposal } from '../shared/store/proposals.js';
import { voidAdvice } from './store.js';

export async function recordDpoSilence(proposalId: string, now = new Date()): Promise<{ silent: boolean }> {
  const proposal = await getProposal(proposalId);
  const dpo = proposal.dpo;
  if (!dpo) return { silent: false };
  if (dpo.status === 'no-response') return { silent: true };
  if (!(await voidAdvice(dpo.adviceId, 'no-response'))) return { silent: false };
  const marked = await conditionHeld(
    updateProposal(
      proposalId,
      { dpo: { ...dpo, status: 'no-response', timedOutAt: now.toISOString() } },
      {
        expression: '#dpo.#status = :requested',
        names: { '#dpo': 'dpo', '#status': 'status' },
        values: { ':requested': 'requested' },
      },
    ),
  );
  if (!marked) return { silent: false };
  await addTimelineEvent(
    proposalId,
    'dpo-no-response',
    `The Data Protection Officer did not advise before the link expired; the proposal goes to the approver without the advice.`,
    now,
  );
  log.info('dpo did not advise in time', { proposalId, reference: proposal.reference });
  return { silent: true };
}
