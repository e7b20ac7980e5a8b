// Opening a proposal: allocate its reference, store it with its consultees, start its lifecycle.
import { randomUUID } from 'node:crypto';
import { claimReview } from '../review-cycle/links.js';
import { log } from '../shared/logger.js';
import type { ProposalInput } from '../shared/model/proposal.js';
import { emptyTally } from '../shared/model/stances.js';
import {
  addTimelineEvent,
  allocateReference,
  changeStatus,
  type ProposalRecord,
  putNewProposal,
  updateProposal,
} from '../shared/store/proposals.js';
import { ukDay } from '../shared/uk-dates.js';
import { startLifecycle } from '../shared/workflow.js';

export interface CreatedProposal {
  proposalId: string;
  reference: string;
  status: 'submitted';
}

export async function createProposal(
  input: ProposalInput,
  createdBy: string,
  now = new Date(),
): Promise<CreatedProposal> {
  const proposalId = randomUUID();
  // A review of an approved installation: checked and linked before anything is stored.
  const reviewed = input.reviewOf ? await claimReview(input.reviewOf, proposalId) : undefined;
  const reference = await allocateReference(ukYear(now));
  const at = now.toISOString();
  const record: ProposalRecord = {
    proposalId,
    reference,
    createdAt: at,
    createdBy,
    updatedAt: at,
    status: 'submitted',
    input,
    pressingNeed: null,
    consultation: {
      deadline: new Date(input.responseDeadline).toISOString(),
      mailed: 0,
      responded: 0,
      late: 0,
      bounced: 0,
      tally: emptyTally(),
      closedAt: null,
    },
    executionArn: null,
    collectTaskToken: null,
    reviewId: null,
    decisionId: null,
  };
  await putNewProposal(record);
  await addTimelineEvent(
    proposalId,
    'submitted',
    `Proposal ${reference} opened with ${input.consultees.length} consultees` +
      (reviewed ? `, to review ${reviewed.reference}` : ''),
    now,
  );
  if (reviewed) {
    await addTimelineEvent(
      reviewed.proposalId,
      'review-opened',
      `Review opened: ${reference} reviews this installation.`,
      now,
    );
  }
  try {
    const executionArn = await startLifecycle(proposalId);
    await updateProposal(proposalId, { executionArn });
  } catch (error) {
    log.error('could not start the lifecycle', { proposalId, reference, error: (error as Error).name });
    await changeStatus(proposalId, 'failed', ['submitted']);
    await addTimelineEvent(proposalId, 'failed', 'The workflow could not be started');
    throw error;
  }
  log.info('proposal opened', { proposalId, reference });
  return { proposalId, reference, status: 'submitted' };
}

/** The reference year is the year in the UK when the proposal is opened. */
function ukYear(now: Date): number {
  return Number(ukDay(now).slice(0, 4));
}
