// The review cycle (issue 14): an approved installation comes due for review, and a manager opens
// a review of it as a new proposal, pre-filled from the last one and linked to it (`reviewOf` on
// the new one, `nextReviewId` on the old). Each camera's history is then a chain of proposals.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type RegisterEntry, removeFromRegister } from '../register/entry.js';
import { findRegisterEntry } from '../register/store.js';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { ConflictError, ValidationError } from '../shared/errors.js';
import { decisionKey, sequenceOfDecisionId } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import { conditionHeld } from '../shared/store/conditions.js';
import {
  findProposal,
  type ProposalRecord,
  type ProposalStatus,
  proposalUpdate,
} from '../shared/store/proposals.js';

/** A review that ended in one of these leaves the installation free for another review. */
const ENDED_WITHOUT_REVIEW: readonly ProposalStatus[] = ['withdrawn', 'failed'];
/** How far the history follows the chain each way: decades of annual reviews. */
const MAX_HOPS = 50;

/**
 * Before a review proposal is stored: the proposal it reviews must be approved and not already
 * under an open review. Claims the link on the old proposal (conditionally, so two managers cannot
 * open two reviews of one camera); a crash before the new proposal is stored leaves a link to
 * nothing, which the next attempt may take over.
 */
export async function claimReview(reviewOf: string, newProposalId: string): Promise<ProposalRecord> {
  const previous = await findProposal(reviewOf);
  if (!previous) {
    throw new ValidationError([
      { path: 'reviewOf', message: 'There is no proposal with this id to review.' },
    ]);
  }
  if (previous.status !== 'approved') {
    throw new ValidationError([
      {
        path: 'reviewOf',
        message: `Only an approved installation can be reviewed: ${previous.reference} is ${previous.status}.`,
      },
    ]);
  }
  const current = previous.nextReviewId;
  if (current) {
    const open = await findProposal(current);
    if (open && !ENDED_WITHOUT_REVIEW.includes(open.status)) {
      throw new ConflictError(
        `${previous.reference} already has a review: ${open.reference} (${open.status}). Open it instead, or withdraw it first.`,
      );
    }
  }
  const linked = await conditionHeld(
    dynamo.send(
      proposalUpdate(reviewOf, {
        UpdateExpression: 'SET #next = :new',
        ConditionExpression: current ? '#next = :current' : 'attribute_not_exists(#next)',
        ExpressionAttributeNames: { '#next': 'nextReviewId' },
        ExpressionAttributeValues: { ':new': newProposalId, ...(current ? { ':current': current } : {}) },
      }),
    ),
  );
  if (!linked) {
    throw new ConflictError(
      `${previous.reference} was put under review a moment ago: reload and open that review.`,
    );
  }
  return previous;
}

/**
 * When a review is decided, the approval it reviewed is no longer due for review: its decision
 * leaves the REVIEWDUE index (the index keys only; the record and its hash are untouched).
 */
export async function retireReviewedApproval(reviewId: string, previous: ProposalRecord): Promise<void> {
  // The camera is listed under the review now (approved), or no longer (rejected).
  await removeFromRegister(previous.reference);
  const sequence = previous.decisionId ? sequenceOfDecisionId(previous.decisionId) : undefined;
  if (sequence === undefined) return;
  await conditionHeld(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: decisionKey(sequence),
        // Index keys only: any other attribute would change the record that the hash covers.
        UpdateExpression: 'REMOVE GSI2PK, GSI2SK',
        ConditionExpression: 'attribute_exists(PK)',
      }),
    ),
  );
  log.info('review done: the reviewed approval is no longer due', {
    proposalId: reviewId,
    reviewOf: previous.proposalId,
  });
}

export interface HistoryEntry {
  proposalId: string;
  reference: string;
  status: ProposalStatus;
  createdAt: string;
  decisionId: string | null;
  current: boolean;
}

/** The camera's history, oldest first: every proposal before this one and every review after it. */
export async function cameraHistory(proposal: ProposalRecord): Promise<HistoryEntry[]> {
  const entry = (p: ProposalRecord): HistoryEntry => ({
    proposalId: p.proposalId,
    reference: p.reference,
    status: p.status,
    createdAt: p.createdAt,
    decisionId: p.decisionId,
    current: p.proposalId === proposal.proposalId,
  });
  const before: HistoryEntry[] = [];
  let back = proposal.input.reviewOf;
  for (let hop = 0; back && hop < MAX_HOPS; hop++) {
    const p = await findProposal(back);
    if (!p) break;
    before.unshift(entry(p));
    back = p.input.reviewOf;
  }
  const after: HistoryEntry[] = [];
  let forward = proposal.nextReviewId;
  for (let hop = 0; forward && hop < MAX_HOPS; hop++) {
    const p = await findProposal(forward);
    if (!p) break;
    after.push(entry(p));
    forward = p.nextReviewId;
  }
  return [...before, entry(proposal), ...after];
}

/** The installation a review reviews, and its register entry, read once before the review's own entry is written. */
export async function reviewedInstallation(
  proposal: ProposalRecord,
): Promise<{ proposal: ProposalRecord; entry: RegisterEntry | undefined } | undefined> {
  const reviewOf = proposal.input.reviewOf;
  const previous = reviewOf ? await findProposal(reviewOf) : undefined;
  return previous ? { proposal: previous, entry: await findRegisterEntry(previous.reference) } : undefined;
}
