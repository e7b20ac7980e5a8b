// The proposal as managers and auditors see it (SPEC §7): everything but the back end's tokens.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/clients.js';
import { tableName } from '../shared/env.js';
import { decisionKey, sequenceOfDecisionId } from '../shared/keys.js';
import type { DecisionRecord } from '../shared/model/decision.js';
import { loadProposalPartition, type ProposalRecord } from '../shared/store/proposals.js';

export async function proposalDetail(proposalId: string) {
  const { proposal, consultees, replies, timeline } = await loadProposalPartition(proposalId);
  const { input } = proposal;
  return {
    proposalId: proposal.proposalId,
    reference: proposal.reference,
    title: input.title,
    cameraType: input.cameraType,
    publicArea: input.publicArea,
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
          comment: r.comment,
        }))
        .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt)),
    },
    decision: await decisionOf(proposal),
    timeline: timeline.sort((a, b) => a.at.localeCompare(b.at)),
  };
}

async function decisionOf(proposal: ProposalRecord): Promise<DecisionRecord | null> {
  const sequence = proposal.decisionId ? sequenceOfDecisionId(proposal.decisionId) : undefined;
  if (sequence === undefined) return null;
  const out = await dynamo.send(new GetCommand({ TableName: tableName(), Key: decisionKey(sequence) }));
  if (!out.Item) return null;
  const {
    PK: _pk,
    SK: _sk,
    GSI1PK: _a,
    GSI1SK: _b,
    GSI2PK: _c,
    GSI2SK: _d,
    GSI3PK: _e,
    GSI3SK: _f,
    type: _t,
    ...record
  } = out.Item;
  return record as DecisionRecord;
}
