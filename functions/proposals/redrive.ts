// Resuming a failed lifecycle (issue 15): Step Functions RedriveExecution continues the execution
// at the step that failed, with the same input; the steps before it are not run again. The
// proposal first goes back to the status it had when the step failed, so the resumed step finds
// it as it left it; if the redrive is refused, it is marked failed again.
import { ConflictError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import {
  addTimelineEvent,
  changeStatus,
  getProposal,
  type ProposalStatus,
} from '../shared/store/proposals.js';

export { type FailureRecord, RESUMABLE, type ResumableStatus } from '../shared/store/proposals.js';

import { redriveLifecycle } from '../shared/workflow.js';

export interface RedrivenProposal {
  proposalId: string;
  reference: string;
  status: ProposalStatus;
  resumedAt: string | null;
}

export async function redriveProposal(proposalId: string, redrivenBy: string): Promise<RedrivenProposal> {
  const proposal = await getProposal(proposalId);
  const failure = proposal.failure;
  if (proposal.status !== 'failed' || !failure || !proposal.executionArn) {
    throw new ConflictError(
      `Proposal ${proposal.reference} is ${proposal.status}: only a failed one can be resumed.`,
    );
  }
  if (!(await changeStatus(proposalId, failure.resumeStatus, ['failed']))) {
    throw new ConflictError(`Proposal ${proposal.reference} is being resumed already.`);
  }
  try {
    await redriveLifecycle(proposal.executionArn);
  } catch (error) {
    await changeStatus(proposalId, 'failed', [failure.resumeStatus]);
    const name = (error as Error).name;
    if (name === 'ExecutionNotRedrivable' || name === 'ExecutionLimitExceeded') {
      throw new ConflictError(`The lifecycle of ${proposal.reference} cannot be resumed (${name}).`);
    }
    throw error;
  }
  await addTimelineEvent(
    proposalId,
    'redriven',
    `Resumed by ${redrivenBy}${failure.step ? ` at ${failure.step}` : ''}, after the error ${failure.error}.`,
  );
  log.info('lifecycle redriven', { proposalId, step: failure.step, error: failure.error });
  return {
    proposalId,
    reference: proposal.reference,
    status: failure.resumeStatus,
    resumedAt: failure.step,
  };
}
