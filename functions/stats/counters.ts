// The dashboard's counters, raised where the lifecycle events happen: a decision recorded, a
// consultation mailed or closed, an approval expired, a proposal withdrawn. Each writer calls one
// of these with one line. Two rules:
// - Counted once. A marker item (PK=PROPOSAL#<id>, SK=STATS#<event>) is put with
//   attribute_not_exists before the month's counters get their ADD; a retried Lambda or a replayed
//   task finds the marker and adds nothing. With no transactions, a crash between the marker and
//   the ADD loses that one count: at most once, never twice (README, Architecture).
// - Never in the way. A failure to count is logged as an error and swallowed: the dashboard may be
//   one short, but a lifecycle step never fails or retries because of it.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { statsMarkerKey, statsMonthKey } from '../shared/keys.js';
import { log } from '../shared/logger.js';
import { STANCES } from '../shared/model/stances.js';
import { conditionHeld } from '../shared/store/conditions.js';
import type { ConsultationSummary, ProposalRecord } from '../shared/store/proposals.js';
import { ukMonth } from '../shared/uk-dates.js';
import {
  CLOSED,
  CONSULTATIONS_MAILED,
  histogramField,
  MAILED,
  REJECTED_INSUFFICIENT,
  RESPONDED,
  type Stage,
  tallyField,
} from './fields.js';
import { dayBucket } from './histogram.js';

/** What the counters need of a proposal: its ids for the marker and logs, and its stage times. */
export type CountedProposal = Pick<ProposalRecord, 'proposalId' | 'reference' | 'createdAt'> & {
  consultation: Pick<ConsultationSummary, 'closedAt'>;
};

type Additions = Record<string, number>;

/** A decision recorded by RecordDecision (the approver's, or the system's for insufficient need). */
export function countDecision(
  proposal: CountedProposal,
  decision: { outcome: 'approved' | 'rejected'; decidedAt: string; decidedBy: string },
): Promise<void> {
  const adds: Additions = { [decision.outcome]: 1 };
  if (decision.decidedBy === 'system') adds[REJECTED_INSUFFICIENT] = 1;
  addStage(adds, 'closedToDecision', proposal.consultation.closedAt, decision.decidedAt);
  return safely(proposal, 'decided', () =>
    countOnce(proposal.proposalId, 'decided', decision.decidedAt, adds),
  );
}

/** The consultation letters went out (the first attempt that mailed anyone). */
export function countConsultationMailed(proposal: CountedProposal, at = new Date()): Promise<void> {
  const adds: Additions = {};
  // Scoring starts as the proposal is created (the workflow is started with it).
  addStage(adds, 'scoringToMailed', proposal.createdAt, at.toISOString());
  return safely(proposal, 'mailed', () =>
    countOnce(proposal.proposalId, 'mailed', at.toISOString(), { [CONSULTATIONS_MAILED]: 1, ...adds }),
  );
}

/** The consultation closed (early or at the deadline) with these fresh counts. */
export function countConsultationClosed(
  proposal: CountedProposal,
  closedAt: string,
  summary: Pick<ConsultationSummary, 'mailed' | 'responded' | 'tally'>,
): Promise<void> {
  return safely(proposal, 'closed', async () => {
    const adds: Additions = { [CLOSED]: 1, [MAILED]: summary.mailed, [RESPONDED]: summary.responded };
    for (const stance of STANCES) adds[tallyField(stance)] = summary.tally[stance];
    addStage(adds, 'mailedToClosed', await mailedAt(proposal.proposalId), closedAt);
    await countOnce(proposal.proposalId, 'closed', closedAt, adds);
  });
}

/** The approver's time ran out on one review link (each link expires at most once). */
export function countApprovalExpired(
  proposal: CountedProposal,
  reviewId: string | null,
  at = new Date(),
): Promise<void> {
  const event = `expired#${reviewId ?? 'none'}`;
  return safely(proposal, 'expired', () =>
    countOnce(proposal.proposalId, event, at.toISOString(), { expired: 1 }),
  );
}

/** A manager withdrew the proposal. */
export function countWithdrawal(proposal: CountedProposal, at = new Date()): Promise<void> {
  return safely(proposal, 'withdrawn', () =>
    countOnce(proposal.proposalId, 'withdrawn', at.toISOString(), { withdrawn: 1 }),
  );
}

function addStage(adds: Additions, stage: Stage, from: string | null | undefined, to: string): void {
  const day = from ? dayBucket(from, to) : null;
  if (day !== null) adds[histogramField(stage, day)] = 1;
}

/** When the letters went out: the `mailed` marker's time, if that was counted. */
async function mailedAt(proposalId: string): Promise<string | null> {
  const out = await dynamo.send(
    new GetCommand({
      TableName: tableName(),
      Key: statsMarkerKey(proposalId, 'mailed'),
      ProjectionExpression: '#at',
      ExpressionAttributeNames: { '#at': 'at' },
    }),
  );
  return typeof out.Item?.at === 'string' ? out.Item.at : null;
}

/** Puts the event's marker, then adds to the counters of the event's month. False: counted before. */
async function countOnce(proposalId: string, event: string, at: string, adds: Additions): Promise<boolean> {
  const month = ukMonth(at);
  const marked = await conditionHeld(
    dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...statsMarkerKey(proposalId, event), type: 'stats-marker', event, month, at },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ),
  );
  if (!marked) return false;
  const entries = Object.entries(adds).filter(([, n]) => n !== 0);
  const names: Record<string, string> = { '#type': 'type', '#month': 'month' };
  const values: Record<string, unknown> = { ':type': 'stats-month', ':month': month };
  const additions = entries.map(([field, n], i) => {
    names[`#f${i}`] = field;
    values[`:v${i}`] = n;
    return `#f${i} :v${i}`;
  });
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: statsMonthKey(month),
      UpdateExpression: `SET #type = :type, #month = :month${additions.length > 0 ? ` ADD ${additions.join(', ')}` : ''}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
  return true;
}

async function safely(proposal: CountedProposal, event: string, count: () => Promise<unknown>) {
  try {
    await count();
  } catch (error) {
    log.error('dashboard count failed', {
      proposalId: proposal.proposalId,
      reference: proposal.reference,
      event,
      error: (error as Error | undefined)?.name ?? 'Error',
    });
  }
}
