// The four stances a response is classified into, and an empty tally of them. Plain values with no
// schema behind them, so the counting code does not carry the consultation schemas into its bundle.
import type { Reply } from './consultation.js';

export const STANCES = ['support', 'concerns', 'object', 'unclassified'] as const;

export const emptyTally = (): Record<(typeof STANCES)[number], number> => ({
  support: 0,
  concerns: 0,
  object: 0,
  unclassified: 0,
});

/** A stance as the approver's page and the manager's proposal page show it. */
export const STANCE_LABELS: Record<(typeof STANCES)[number], string> = {
  support: 'Support',
  concerns: 'Concerns',
  object: 'Object',
  unclassified: 'Unclassified (for triage)',
};

/** A reply counts towards the tally only when it is a timely response from the consultee's own address. */
export const isCounted = (reply: Pick<Reply, 'kind' | 'late' | 'senderMismatch'>): boolean =>
  reply.kind === 'response' && !reply.late && !reply.senderMismatch;
