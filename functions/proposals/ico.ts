// A manager records the prior consultation with the Information Commissioner (SPEC 11, DPA 2018
// s.65): required before approval when a risk stays high after the measures. It is kept on the
// proposal, shown to the approver, and goes into the decision record and the DPIA document.
import { ConflictError, ValidationError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import type { IcoConsultation, IcoConsultationInput } from '../shared/model/governance.js';
import { ICO_OUTCOME_LABELS, ICO_RESPONSE_DAYS } from '../shared/model/governance-terms.js';
import { needsPriorConsultation } from '../shared/model/risk.js';
import { conditionHeld } from '../shared/store/conditions.js';
import {
  addTimelineEvent,
  getProposal,
  type ProposalStatus,
  UNDECIDED_STATUSES,
  updateProposal,
} from '../shared/store/proposals.js';
import { formatUkLongDate } from '../shared/uk-dates.js';

/** Until the decision: afterwards the record it would belong to is sealed. */
const OPEN: readonly ProposalStatus[] = UNDECIDED_STATUSES;

export async function recordIcoConsultation(
  proposalId: string,
  input: IcoConsultationInput,
  recordedBy: string,
  now = new Date(),
): Promise<{ proposalId: string; reference: string; icoConsultation: IcoConsultation; required: boolean }> {
  const today = now.toISOString().slice(0, 10);
  if (input.submittedOn > today) {
    throw new ValidationError([
      { path: 'submittedOn', message: 'The submission date cannot be in the future.' },
    ]);
  }
  if (input.outcome === 'no-response-in-time' && daysBetween(input.submittedOn, today) < ICO_RESPONSE_DAYS) {
    throw new ValidationError([
      {
        path: 'outcome',
        message: `The Commissioner has ${ICO_RESPONSE_DAYS} days (six weeks) to respond: "no-response-in-time" can be recorded from ${addDays(input.submittedOn, ICO_RESPONSE_DAYS)}.`,
      },
    ]);
  }
  const proposal = await getProposal(proposalId);
  const record: IcoConsultation = { ...input, recordedBy, recordedAt: now.toISOString() };
  const values: Record<string, unknown> = {};
  const open = OPEN.map((status, i) => {
    values[`:open${i}`] = status;
    return `:open${i}`;
  });
  const recorded = await conditionHeld(
    updateProposal(
      proposalId,
      { icoConsultation: record },
      { expression: `#status IN (${open.join(', ')})`, names: { '#status': 'status' }, values },
    ),
  );
  if (!recorded) {
    const current = await getProposal(proposalId);
    throw new ConflictError(
      `Proposal ${current.reference} is ${current.status}: the ICO consultation can only be recorded before the decision.`,
    );
  }
  await addTimelineEvent(
    proposalId,
    'ico-consultation-recorded',
    `Prior consultation with the Information Commissioner recorded by ${recordedBy}: submitted ${formatUkLongDate(input.submittedOn)}, ICO reference ${input.reference}; ${ICO_OUTCOME_LABELS[input.outcome].toLowerCase()}.`,
    now,
  );
  log.info('ico consultation recorded', {
    proposalId,
    reference: proposal.reference,
    outcome: input.outcome,
  });
  return {
    proposalId,
    reference: proposal.reference,
    icoConsultation: record,
    required: needsPriorConsultation(proposal.input.risks),
  };
}

const daysBetween = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 86_400_000;

function addDays(date: string, days: number): string {
  return formatUkLongDate(new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10));
}
