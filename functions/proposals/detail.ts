// The proposal as managers and auditors see it (SPEC §7): everything but the back end's tokens.
import { findDecision } from '../decisions/store.js';
import { approvalGaps } from '../shared/model/assessment.js';
import type { DpoStage } from '../shared/model/governance.js';
import { highestLevel, needsPriorConsultation, residualLevel } from '../shared/model/risk.js';
import { loadProposalPartition, type ProposalPartition } from '../shared/store/proposals.js';
import { cameraHistory } from './review-cycle.js';

export async function proposalDetail(proposalId: string) {
  return detailOf(await loadProposalPartition(proposalId));
}

/** The detail of a partition already read (the evidence pack reads it once for all it needs). */
export async function detailOf({ proposal, consultees, replies, timeline }: ProposalPartition) {
  const { input } = proposal;
  return {
    proposalId: proposal.proposalId,
    reference: proposal.reference,
    title: input.title,
    cameraType: input.cameraType,
    publicArea: input.publicArea,
    // SPEC 11: the accountable owner's post, as the public register names it.
    owner: input.owner ?? null,
    site: input.site,
    status: proposal.status,
    createdAt: proposal.createdAt,
    createdBy: proposal.createdBy,
    updatedAt: proposal.updatedAt,
    responseDeadline: proposal.consultation.deadline,
    approver: input.approver,
    retention: input.retention,
    justification: input.justification,
    ...(input.dpo ? { dpo: input.dpo } : {}),
    ...(input.checklist ? { checklist: input.checklist } : {}),
    ...(input.alternativesConsidered ? { alternativesConsidered: input.alternativesConsidered } : {}),
    ...(input.risks ? { risks: input.risks } : {}),
    // Issue 19: the rest of the assessment, and what an approval still needs.
    ...(input.placeType ? { placeType: input.placeType } : {}),
    ...(input.scoringPolicy ? { scoringPolicy: input.scoringPolicy } : {}),
    ...(input.screening ? { screening: input.screening } : {}),
    ...(input.legalRegime ? { legalRegime: input.legalRegime } : {}),
    ...(input.lawfulBasis ? { lawfulBasis: input.lawfulBasis } : {}),
    ...(input.dataCategories ? { dataCategories: input.dataCategories } : {}),
    ...(input.recipients ? { recipients: input.recipients } : {}),
    assessmentMissing: approvalGaps(input).map((gap) => gap.missing),
    // Issue 19: the approval's conditions and their progress (owner, due date, done with evidence).
    conditions: proposal.conditions ?? [],
    // SPEC 11: the highest risk left after the measures, and whether the Commissioner must be consulted.
    residualRisk: highestLevel((input.risks ?? []).map(residualLevel)),
    priorConsultationRequired: needsPriorConsultation(input.risks),
    icoConsultation: proposal.icoConsultation ?? null,
    // SPEC 10: the DPO stage (requested, advised or no-response), without the link's id.
    dpoAdvice: proposal.dpo ? dpoStageView(proposal.dpo) : null,
    pressingNeed: proposal.pressingNeed,
    consultation: {
      ...proposal.consultation,
      consultees: consultees.map((c) => ({
        name: c.name,
        email: c.email,
        organisation: c.organisation ?? null,
        status: c.status,
        stance: c.stance,
        respondedAt: c.respondedAt,
        late: c.late,
        senderMismatch: c.senderMismatch,
        comment: c.comment,
      })),
      replies: replies
        .map((r) => ({
          replyId: r.replyId,
          kind: r.kind,
          consulteeEmail: r.consulteeEmail,
          receivedAt: r.receivedAt,
          stance: r.stance,
          late: r.late,
          senderMismatch: r.senderMismatch,
          ...(r.afterClose ? { afterClose: true } : {}),
          ...(r.authFailed ? { authFailed: true } : {}),
          comment: r.comment,
        }))
        .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)),
    },
    decision: proposal.decisionId ? ((await findDecision(proposal.decisionId)) ?? null) : null,
    // Issue 14: the camera's history, the proposals before this one and the reviews after it.
    reviewOf: input.reviewOf ?? null,
    history: input.reviewOf || proposal.nextReviewId ? await cameraHistory(proposal) : [],
    timeline: timeline.sort((a, b) => a.at.localeCompare(b.at)),
  };
}

function dpoStageView({ adviceId: _id, ...stage }: DpoStage) {
  return stage;
}
