// RecordDecision: the one writer path into the decision chain, whether the system rejected an
// insufficient proposal or the approver decided through the review link. A replay returns the
// decision already recorded and appends nothing.
import * as z from 'zod/mini';
import '../shared/model/zod-messages.js';
import { trackConditions } from '../proposals/conditions.js';
import { addToRegister } from '../register/entry.js';
import { retireReviewedApproval, reviewedInstallation } from '../review-cycle/links.js';
import { assessmentDigest } from '../shared/chain.js';
import { log } from '../shared/logger.js';
import { ConditionItem, ConsulteeViews } from '../shared/model/conditions.js';
import { isoDate, isoDateTime } from '../shared/model/iso.js';
import { Outcome } from '../shared/model/outcome.js';
import { highestLevel, residualLevel } from '../shared/model/risk.js';
import {
  addTimelineEvent,
  changeStatus,
  getProposal,
  type ProposalRecord,
  type ProposalStatus,
} from '../shared/store/proposals.js';
import { countDecision } from '../stats/counters.js';
import { appendDecision, type DecisionDraft } from './store.js';

/** What RejectForInsufficientNeed puts in `$.approval`. */
export const SystemRejection = z.object({
  outcome: z.literal('rejected'),
  decidedBy: z.literal('system'),
  reason: z.literal('insufficient-need'),
});

/** What the review handler sends with the RequestApproval task token. */
export const ApproverChoice = z.object({
  outcome: Outcome,
  rationale: z.string().check(z.trim(), z.minLength(1)),
  conditions: z.optional(z.nullable(z.string())),
  reviewDate: z.optional(z.nullable(isoDate())),
  decidedBy: z.string().check(
    z.minLength(1),
    z.refine((who) => who !== 'system', 'Only the workflow decides as the system'),
  ),
  decidedAt: isoDateTime({ offset: true }),
  dpoAdvice: z.optional(z.enum(['accepted', 'overruled'])),
  dpoReasons: z.optional(z.nullable(z.string())),
  consulteeViews: z.optional(ConsulteeViews),
  conditionItems: z.optional(z.array(ConditionItem)),
});

export const Approval = z.union([SystemRejection, ApproverChoice]);
export type Approval = z.infer<typeof Approval>;

export const RecordDecisionInput = z.object({
  proposalId: z.string().check(z.minLength(1)),
  approval: Approval,
});
export type RecordDecisionInput = z.infer<typeof RecordDecisionInput>;

/** A decision ends every live stage: straight after scoring, after consultation, or after expiry. */
const DECIDABLE: readonly ProposalStatus[] = [
  'scoring',
  'consulting',
  'awaiting-dpo-advice',
  'awaiting-approval',
  'expired',
];
const CLOSED: readonly ProposalStatus[] = ['withdrawn', 'failed'];

export class ProposalClosedError extends Error {
  override readonly name = 'ProposalClosedError';
}

export async function recordDecision(
  input: RecordDecisionInput,
  now = new Date(),
): Promise<{ decisionId: string; outcome: Outcome }> {
  const proposal = await getProposal(input.proposalId);
  if (!proposal.decisionId && CLOSED.includes(proposal.status)) {
    throw new ProposalClosedError(
      `Proposal ${proposal.proposalId} is ${proposal.status}: nothing to decide.`,
    );
  }
  const { record, appended } = await appendDecision(
    decisionDraft(proposal, input.approval, now),
    proposal.decisionId,
  );
  // Issue 19: the approval's conditions, tracked on the proposal until done: in place before the
  // status says approved (once; a replay keeps their progress).
  await trackConditions(proposal, record);
  const moved = await changeStatus(proposal.proposalId, record.outcome, DECIDABLE, {
    decisionId: record.decisionId,
  });
  if (moved) {
    await addTimelineEvent(
      proposal.proposalId,
      'decided',
      `${record.outcome === 'approved' ? 'Approved' : 'Rejected'} by ${decider(proposal, record.decidedBy)}; decision ${record.decisionId}.`,
      now,
    );
  }
  // Issue 14: a review's entry takes its dates from the reviewed one's, which then goes, and the
  // reviewed approval leaves the reviews-due list. Every step is idempotent: a replay repeats them.
  const reviewed = await reviewedInstallation(proposal);
  await addToRegister(proposal, record, reviewed?.entry);
  if (reviewed) await retireReviewedApproval(proposal.proposalId, reviewed.proposal);
  // Every attempt, not only the first: the counter's own marker makes a replay add nothing.
  await countDecision(proposal, record);
  log.info('decision recorded', {
    proposalId: proposal.proposalId,
    reference: proposal.reference,
    decisionId: record.decisionId,
    outcome: record.outcome,
    appended,
  });
  return { decisionId: record.decisionId, outcome: record.outcome };
}

/** The record exactly as SPEC §6 lists it, from the proposal and the approval. */
export function decisionDraft(proposal: ProposalRecord, approval: Approval, now: Date): DecisionDraft {
  const { pressingNeed, consultation } = proposal;
  if (!pressingNeed) throw new Error(`Proposal ${proposal.proposalId} has no pressing-need score yet.`);
  const common = {
    ...governance(proposal, approval),
    proposalId: proposal.proposalId,
    reference: proposal.reference,
    assessedDigest: assessmentDigest(proposal.input),
    pressingNeed: {
      score: pressingNeed.score,
      band: pressingNeed.band,
      policyVersion: pressingNeed.policyVersion,
    },
    consultation: {
      mailed: consultation.mailed,
      responded: consultation.responded,
      late: consultation.late,
      tally: { ...consultation.tally },
      ...(proposal.stanceCorrections?.length
        ? { reclassified: proposal.stanceCorrections.map((c) => ({ ...c })) }
        : {}),
    },
  };
  if ('reason' in approval) {
    return {
      ...common,
      outcome: 'rejected',
      rationale: `Rejected by the system: the pressing-need score of ${pressingNeed.score} is below the threshold for the insufficient band under scoring policy ${pressingNeed.policyVersion}; no consultation was held.`,
      conditions: null,
      decidedBy: 'system',
      decidedAt: now.toISOString(),
      reviewDate: null,
    };
  }
  return {
    ...common,
    outcome: approval.outcome,
    rationale: approval.rationale,
    conditions: approval.conditions?.trim() || null,
    decidedBy: approval.decidedBy,
    decidedAt: approval.decidedAt,
    ...(approval.consulteeViews ? { consulteeViews: approval.consulteeViews } : {}),
    ...(approval.outcome === 'approved' && approval.conditionItems?.length
      ? { conditionItems: approval.conditionItems }
      : {}),
    // Only an approval is reviewed later; a rejection has nothing to review.
    reviewDate: approval.outcome === 'approved' ? (approval.reviewDate ?? null) : null,
  };
}

/**
 * SPEC 10 and 11 in the record: the DPO's advice and the approver's answer to it (or that the DPO
 * did not answer), the highest residual risk, and the prior consultation with the Commissioner.
 * Each only when it applies, so a record without them hashes as before.
 */
function governance(
  proposal: ProposalRecord,
  approval: Approval,
): Pick<DecisionDraft, 'dpoAdvice' | 'dpoNoResponse' | 'residualRisk' | 'icoConsultation'> {
  const out: Pick<DecisionDraft, 'dpoAdvice' | 'dpoNoResponse' | 'residualRisk' | 'icoConsultation'> = {};
  const { dpo, icoConsultation } = proposal;
  if (dpo?.status === 'advised' && dpo.recommendation && !('reason' in approval)) {
    const response = approval.dpoAdvice ?? 'accepted';
    out.dpoAdvice = {
      recommendation: dpo.recommendation,
      advice: dpo.advice ?? '',
      response,
      reasons: response === 'overruled' ? (approval.dpoReasons?.trim() ?? null) : null,
    };
  }
  if (dpo?.status === 'no-response' && dpo.timedOutAt) {
    out.dpoNoResponse = { requestedAt: dpo.requestedAt, timedOutAt: dpo.timedOutAt };
  }
  const levels = (proposal.input.risks ?? []).map(residualLevel);
  const highest = highestLevel(levels);
  if (highest) out.residualRisk = highest;
  if (icoConsultation) out.icoConsultation = { ...icoConsultation };
  return out;
}

function decider(proposal: ProposalRecord, decidedBy: string): string {
  if (decidedBy === 'system') return 'the system (insufficient pressing need)';
  const approver = proposal.input.approver;
  return approver.email.toLowerCase() === decidedBy.toLowerCase() ? approver.name : decidedBy;
}
