// Re-checks the whole decision chain (SPEC §6) page by page, so memory stays flat however long the
// chain grows: each page is verified against the last record of the page before.

import { iterateChain } from '../decisions/store.js';
import { verifyChain } from '../shared/chain.js';
import { GENESIS_HASH } from '../shared/model/decision.js';

export type ChainReport =
  | { ok: true; checked: number }
  | { ok: false; checked: number; firstBroken: string; reason: string };

export async function verifyDecisionChain(pages = iterateChain()): Promise<ChainReport> {
  let checked = 0;
  let previous = { sequence: 0, hash: GENESIS_HASH };
  for await (const page of pages) {
    const verdict = verifyChain(page, previous);
    checked += verdict.checked;
    if (!verdict.ok) return { ok: false, checked, firstBroken: verdict.firstBroken, reason: verdict.reason };
    const last = page[page.length - 1];
    if (last) previous = { sequence: last.sequence, hash: last.hash };
  }
  return { ok: true, checked };
}
