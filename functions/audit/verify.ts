// Re-checks the whole decision chain (SPEC §6) page by page, so memory stays flat however long the
// chain grows: each page is verified against the last record of the page before. Then the tail:
// the chain must still reach its anchored head (issue 21), so deleting the newest records, or
// rewriting and re-hashing records up to the head, no longer passes. Last, each decided proposal
// must still be the one assessed: its digest must match the one hashed into its record (issue 19).

import { type ChainAnchor, iterateChain, readAnchor } from '../decisions/store.js';
import { assessmentDigest, verifyChain } from '../shared/chain.js';
import { decisionIdFor, sequenceOfDecisionId } from '../shared/keys.js';
import { GENESIS_HASH } from '../shared/model/genesis.js';
import { listProposals, type ProposalRecord } from '../shared/store/proposals.js';

type Head = { sequence: number; hash: string } | null;

export type ChainReport =
  | { ok: true; checked: number; head: Head }
  | { ok: false; checked: number; firstBroken: string; reason: string; head: Head };

export async function verifyDecisionChain(
  pages = iterateChain(),
  anchor: Promise<ChainAnchor | undefined> = readAnchor(),
  decided: Decided = decidedProposals,
): Promise<ChainReport> {
  // Read before the chain: an append while this runs only moves the anchor past what is checked.
  const anchored = await anchor;
  const head: Head = anchored ? { sequence: anchored.sequence, hash: anchored.hash } : null;
  let checked = 0;
  let previous = { sequence: 0, hash: GENESIS_HASH };
  let atAnchor: string | undefined;
  /** Which proposal each checked record decides, and the digest of it as assessed (issue 19). */
  const decides = new Map<number, Decides>();
  for await (const page of pages) {
    const verdict = verifyChain(page, previous);
    checked += verdict.checked;
    if (!verdict.ok)
      return { ok: false, checked, firstBroken: verdict.firstBroken, reason: verdict.reason, head };
    for (const record of page) {
      if (anchored && record.sequence === anchored.sequence) atAnchor = record.hash;
      decides.set(record.sequence, {
        proposalId: record.proposalId,
        decisionId: record.decisionId,
        assessedDigest: record.assessedDigest,
      });
    }
    const last = page[page.length - 1];
    if (last) previous = { sequence: last.sequence, hash: last.hash };
  }
  if (anchored && atAnchor === undefined) {
    return {
      ok: false,
      checked,
      firstBroken: decisionIdFor(previous.sequence + 1),
      reason: `the chain ends at ${previous.sequence}, before its anchored head ${anchored.sequence}: records are missing`,
      head,
    };
  }
  if (anchored && atAnchor !== anchored.hash) {
    return {
      ok: false,
      checked,
      firstBroken: decisionIdFor(anchored.sequence),
      reason: 'the record at the anchored head does not have the anchored hash: the chain was rewritten',
      head,
    };
  }
  const missing = await decidedWithoutRecord(decides, previous.sequence, decided);
  if (missing) return { ok: false, checked, ...missing, head };
  return { ok: true, checked, head };
}

type Decides = { proposalId: string; decisionId: string; assessedDigest: string | undefined };

type Decided = () => AsyncGenerator<
  Pick<ProposalRecord, 'proposalId' | 'reference' | 'status' | 'decisionId'> &
    Partial<Pick<ProposalRecord, 'input'>>
>;

/** Every approved and rejected proposal, page by page (the status index: a Query, never a Scan). */
async function* decidedProposals() {
  for (const status of ['approved', 'rejected'] as const) {
    let cursor: string | undefined;
    do {
      const page = await listProposals({ status, limit: 100, ...(cursor ? { cursor } : {}) });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}

/**
 * A proposal whose status says decided must have its decision in the chain (issue 21: removing a
 * record and re-linking the rest leaves the proposal saying "approved" with no record behind it).
 * A decision newer than the chain as read (made while this ran) is not judged.
 */
async function decidedWithoutRecord(
  decides: Map<number, Decides>,
  lastChecked: number,
  decided: Decided,
): Promise<{ firstBroken: string; reason: string } | undefined> {
  for await (const p of decided()) {
    const sequence = p.decisionId ? sequenceOfDecisionId(p.decisionId) : undefined;
    if (sequence !== undefined && sequence > lastChecked) continue;
    const record = sequence === undefined ? undefined : decides.get(sequence);
    if (!record || record.proposalId !== p.proposalId) {
      return {
        firstBroken: p.decisionId ?? p.reference,
        reason: `${p.reference} is ${p.status}, but its decision ${p.decisionId ?? '(none)'} is not in the chain`,
      };
    }
    // Issue 19: the proposal must still be what was assessed (records before the digest have none).
    if (record.assessedDigest && p.input && assessmentDigest(p.input) !== record.assessedDigest) {
      return {
        firstBroken: record.decisionId,
        reason: `${p.reference} was changed after its decision: it is no longer the proposal that was assessed`,
      };
    }
  }
  return undefined;
}
