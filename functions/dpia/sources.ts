// What the DPIA document is generated from (the proposal's partition, its decision and the chain's
// anchored head), and its two editions.
import { findDecision, readAnchor } from '../decisions/store.js';
import type { DecisionRecord } from '../shared/model/decision.js';
import { loadProposalPartition, type ProposalPartition } from '../shared/store/proposals.js';

export const EDITIONS = ['full', 'public'] as const;
export type Edition = (typeof EDITIONS)[number];

/** Everything the document is generated from. */
export interface DpiaSources extends ProposalPartition {
  decision: DecisionRecord | null;
  /** Issue 21: the chain's anchored head when the document was made, published in it. */
  chainHead?: { sequence: number; hash: string } | null;
}

/** Reads what the document needs: the proposal's partition and its decision, if any. */
export async function loadDpiaSources(proposalId: string): Promise<DpiaSources> {
  const partition = await loadProposalPartition(proposalId);
  const [decision, anchor] = await Promise.all([
    partition.proposal.decisionId ? findDecision(partition.proposal.decisionId) : Promise.resolve(undefined),
    readAnchor(),
  ]);
  return {
    ...partition,
    decision: decision ?? null,
    chainHead: anchor ? { sequence: anchor.sequence, hash: anchor.hash } : null,
  };
}
