// The proposal as managers and auditors see it (SPEC §7): everything but the back end's tokens.
import { findDecision } from '../decisions/store.js';
import { stanceReasonOf } from '../replies/reason.js';
import { cameraHistory } from '../review-cycle/links.js';
import { approvalGaps } from '../shared/model/assessment-terms.js';
import type { Reply } from '../shared/model/consultation.js';
import type { DpoStage } from '../shared/model/governance.js';
import { highestLevel, needsPriorConsultation, residualLevel } from '../shared/model/risk.js';
import {
  type ConsulteeRecord,
  loadProposalPartition,
  type ProposalPartition,
} from '../shared/store/proposals.js';

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
    // Issue 20: when, by whom and why it was withdrawn; null unless withdrawn.
    withdrawal: proposal.withdrawal ?? null,
    // SPEC 10: the DPO stage (requested, advised or no-response), without the link's id.
    dpoAdvice: proposal.dpo ? dpoStageView(proposal.dpo) : null,
    pressingNeed: proposal.pressingNeed,
    consultation: {
      ...proposal.consultation,
      consultees: consultees.map((c) => {
        const counted = c.replyId ? replies.find((r) => r.replyId === c.replyId) : undefined;
        return {
          name: c.name,
          email: c.email,
          organisation: c.organisation ?? null,
          status: c.status,
          stance: c.stance,
          respondedAt: c.respondedAt,
          late: c.late,
          senderMismatch: c.senderMismatch,
          comment: c.comment,
          // Issue 16: why the stance is what it is, and the reader's stance when a manager corrected it.
          stanceReason: c.stanceReason ?? (counted ? stanceReasonOf(counted) : null),
          readStance: counted?.reclassification?.readStance ?? null,
          replyId: c.status === 'responded' ? c.replyId : null,
          // Issue 16: a reply from another address waiting for a manager, with the stance read from
          // it (not counted in the tally until accepted).
          heldReply: heldReplyOf(c, replies),
        };
      }),
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
          ...(r.senderMismatch ? { from: r.from } : {}),
          stanceReason: r.kind === 'response' ? stanceReasonOf(r) : null,
          ...(r.reclassification ? { readStance: r.reclassification.readStance } : {}),
          ...(r.acceptedBy ? { acceptedBy: r.acceptedBy } : {}),
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

/**
 * The newest timely response from another address that no manager has accepted, while the
 * consultee has no counted response of a later date: what the consultee row offers to accept.
 */
function heldReplyOf(c: ConsulteeRecord, replies: Reply[]) {
  const held = replies
    .filter(
      (r) =>
        r.kind === 'response' &&
        r.senderMismatch &&
        !r.late &&
        !r.acceptedBy &&
        r.consulteeEmail?.toLowerCase() === c.email.toLowerCase() &&
        (c.status !== 'responded' || (c.respondedAt !== null && r.receivedAt > c.respondedAt)),
    )
    .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))[0];
  if (!held) return null;
  return {
    replyId: held.replyId,
    from: held.from,
    receivedAt: held.receivedAt,
    stance: held.stance,
    stanceReason: stanceReasonOf(held),
    comment: held.comment,
    authFailed: held.authFailed ?? false,
  };
}

function dpoStageView({ adviceId: _id, ...stage }: DpoStage) {
  return stage;
}
