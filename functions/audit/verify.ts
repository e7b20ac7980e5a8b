// Re-checks the whole decision chain (SPEC §6) page by page, so memory stays flat however long the
// chain grows: each page is verified against the last record of the page before. Then the tail:
// the chain must still reach its anchored head (issue 21), so deleting the newest records, or
// rewriting and re-hashing records up to the head, no longer passes.

import { type ChainAnchor, iterateChain, readAnchor } from '../decisions/store.js';
import { verifyChain } from '../shared/chain.js';
import { decisionIdFor } from '../shared/keys.js';
import { GENESIS_HASH } from '../shared/model/decision.js';

type Head = { sequence: number; hash: string } | null;

export type ChainReport =
  | { ok: true; checked: number; head: Head }
  | { ok: false; checked: number; firstBroken: string; reason: string; head: Head };

export async function verifyDecisionChain(
  pages = iterateChain(),
  anchor: Promise<ChainAnchor | undefined> = readAnchor(),
): Promise<ChainReport> {
  // Read before the chain: an append while this runs only moves the anchor past what is checked.
  const anchored = await anchor;
  const head: Head = anchored ? { sequence: anchored.sequence, hash: anchored.hash } : null;
  let checked = 0;
  let previous = { sequence: 0, hash: GENESIS_HASH };
  let atAnchor: string | undefined;
  for await (const page of pages) {
    const verdict = verifyChain(page, previous);
    checked += verdict.checked;
    if (!verdict.ok)
      return { ok: false, checked, firstBroken: verdict.firstBroken, reason: verdict.reason, head };
    for (const record of page) if (anchored && record.sequence === anchored.sequence) atAnchor = record.hash;
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
  return { ok: true, checked, head };
}
