// The consultation's counts and tally, derived from the consultee and reply items rather than
// kept as counters: recomputing is idempotent, so a replayed or duplicated reply can never be
// counted twice.

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { proposalKey } from '../shared/keys.js';
import { emptyTally, type Reply } from '../shared/model/consultation.js';
import {
  type ConsultationSummary,
  type ConsulteeRecord,
  listConsultees,
  loadProposalPartition,
} from '../shared/store/proposals.js';

export function summarise(
  deadline: string,
  consultees: ConsulteeRecord[],
  replies: Reply[],
  closedAt: string | null,
): ConsultationSummary {
  const tally = emptyTally();
  let responded = 0;
  for (const c of consultees) {
    if (c.status === 'responded' && c.stance) {
      responded += 1;
      tally[c.stance] += 1;
    }
  }
  return {
    deadline,
    mailed: consultees.filter((c) => c.mailMarker === 'sent').length,
    responded,
    late: replies.filter((r) => r.kind === 'response' && r.late).length,
    bounced: consultees.filter((c) => c.status === 'bounced').length,
    tally,
    closedAt,
  };
}

/**
 * Recomputes and stores the proposal's consultation counts; returns the summary. Only the counts
 * are written (not the deadline or closedAt), so a refresh racing CloseConsultation cannot undo it.
 */
export async function refreshConsultationSummary(proposalId: string): Promise<ConsultationSummary> {
  const { proposal, consultees, replies } = await loadProposalPartition(proposalId);
  const summary = summarise(
    proposal.consultation.deadline,
    consultees,
    replies,
    proposal.consultation.closedAt,
  );
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: proposalKey(proposalId),
      UpdateExpression:
        'SET #c.#mailed = :mailed, #c.#responded = :responded, #c.#late = :late, #c.#bounced = :bounced, #c.#tally = :tally',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeNames: {
        '#c': 'consultation',
        '#mailed': 'mailed',
        '#responded': 'responded',
        '#late': 'late',
        '#bounced': 'bounced',
        '#tally': 'tally',
      },
      ExpressionAttributeValues: {
        ':mailed': summary.mailed,
        ':responded': summary.responded,
        ':late': summary.late,
        ':bounced': summary.bounced,
        ':tally': summary.tally,
      },
    }),
  );
  return summary;
}

/** True when every consultee who can answer (not bounced) has a counted response. */
export async function everyoneHasResponded(proposalId: string): Promise<boolean> {
  const consultees = await listConsultees(proposalId);
  const reachable = consultees.filter((c) => c.status !== 'bounced');
  return reachable.length > 0 && reachable.every((c) => c.status === 'responded');
}
