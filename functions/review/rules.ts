// What the approver's form must enforce beside the rationale (issue 19): the assessment complete
// before approval (DPA 2018 s.64), reasons that address the consultees' views when the decision
// departs from them (ICO step 7), and an owner and a due date for the conditions.
import { approvalGaps } from '../shared/model/assessment-terms.js';
import type { Tally } from '../shared/model/consultation.js';
import type { Outcome } from '../shared/model/outcome.js';
import type { ProposalInput } from '../shared/model/proposal.js';

/** Reasons addressing the consultees' views: more than a rationale's 20 characters. */
export const CONSULTEE_RESPONSE_MIN = 50;

/** Parts of the assessment an approval still needs, in words. */
export const assessmentGaps = (input: ProposalInput): string[] => approvalGaps(input).map((g) => g.missing);

/**
 * The consultees' views this decision departs from: an approval despite objections, or a rejection
 * despite support. Null when it departs from none.
 */
export function departureFromConsultees(
  outcome: Outcome | undefined,
  tally: Tally,
): { kind: 'objections' | 'support'; count: number } | null {
  if (outcome === 'approved' && tally.object > 0) return { kind: 'objections', count: tally.object };
  if (outcome === 'rejected' && tally.support > 0) return { kind: 'support', count: tally.support };
  return null;
}

export function departureMessage(departure: { kind: 'objections' | 'support'; count: number }): string {
  const views =
    departure.kind === 'objections'
      ? `${departure.count} consultee${departure.count === 1 ? '' : 's'} objected`
      : `${departure.count} consultee${departure.count === 1 ? '' : 's'} supported the proposal`;
  return `${views}: this decision departs from their views. Say how you have taken them into account, in at least ${CONSULTEE_RESPONSE_MIN} characters.`;
}

/** The default due date of conditions: three months after the decision. */
export function defaultConditionsDue(now: Date): string {
  const date = new Date(now);
  date.setUTCMonth(date.getUTCMonth() + 3);
  return date.toISOString().slice(0, 10);
}
