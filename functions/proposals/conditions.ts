// Issue 19: the conditions of an approval, tracked. RecordDecision copies them onto the proposal
// (once); a manager marks each done with evidence; the open ones are listed, soonest due first,
// until they are done, as the reviews-due list shows reviews. The DPIA document shows their state.

import { dynamo } from '../shared/clients/dynamo.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import type { ConditionState } from '../shared/model/conditions.js';
import type { DecisionRecord } from '../shared/model/decision.js';
import { conditionHeld } from '../shared/store/conditions.js';
import {
  addTimelineEvent,
  getProposal,
  listProposals,
  type ProposalRecord,
  proposalUpdate,
  updateProposal,
} from '../shared/store/proposals.js';

/** Once per proposal: a replay of RecordDecision finds them there and leaves their progress alone. */
export async function trackConditions(proposal: ProposalRecord, record: DecisionRecord): Promise<void> {
  if (record.outcome !== 'approved' || !record.conditionItems?.length || proposal.conditions) return;
  const states: ConditionState[] = record.conditionItems.map((c) => ({
    ...c,
    done: false,
    doneAt: null,
    doneBy: null,
    evidence: null,
  }));
  await conditionHeld(
    updateProposal(
      proposal.proposalId,
      { conditions: states },
      { expression: 'attribute_not_exists(conditions)' },
    ),
  );
}

export async function markConditionDone(
  proposalId: string,
  n: number,
  evidence: string,
  doneBy: string,
  now = new Date(),
): Promise<{ proposalId: string; reference: string; condition: ConditionState }> {
  const proposal = await getProposal(proposalId);
  const index = (proposal.conditions ?? []).findIndex((c) => c.n === n);
  const current = proposal.conditions?.[index];
  if (!current) throw new NotFoundError(`${proposal.reference} has no condition ${n}.`);
  if (current.done) {
    throw new ConflictError(
      `Condition ${n} of ${proposal.reference} was already marked done on ${current.doneAt}.`,
    );
  }
  const condition: ConditionState = { ...current, done: true, doneAt: now.toISOString(), doneBy, evidence };
  // Only if nobody marked it meanwhile: a conditional write on this one condition.
  const marked = await conditionHeld(
    dynamo.send(
      proposalUpdate(proposalId, {
        UpdateExpression: `SET #c[${index}].#done = :true, #c[${index}].#doneAt = :at, #c[${index}].#doneBy = :by, #c[${index}].#evidence = :evidence, #updatedAt = :at`,
        ConditionExpression: `#c[${index}].#n = :n AND #c[${index}].#done = :false`,
        ExpressionAttributeNames: {
          '#c': 'conditions',
          '#n': 'n',
          '#done': 'done',
          '#doneAt': 'doneAt',
          '#doneBy': 'doneBy',
          '#evidence': 'evidence',
          '#updatedAt': 'updatedAt',
        },
        ExpressionAttributeValues: {
          ':true': true,
          ':false': false,
          ':n': n,
          ':at': condition.doneAt,
          ':by': doneBy,
          ':evidence': evidence,
        },
      }),
    ),
  );
  if (!marked) {
    throw new ConflictError(`Condition ${n} of ${proposal.reference} was marked done meanwhile.`);
  }
  await addTimelineEvent(
    proposalId,
    'condition-done',
    `Condition ${n} marked done by ${doneBy}: ${evidence}`,
    now,
  );
  log.info('condition done', { proposalId, reference: proposal.reference, condition: n });
  return { proposalId, reference: proposal.reference, condition };
}

export interface OpenCondition {
  proposalId: string;
  reference: string;
  title: string;
  n: number;
  text: string;
  owner: string;
  dueDate: string;
  overdue: boolean;
}

/** Open conditions of approved proposals due on or before `before` (all when none), soonest first. */
export async function listOpenConditions(today: string, before?: string): Promise<OpenCondition[]> {
  const items: OpenCondition[] = [];
  let cursor: string | undefined;
  do {
    const page = await listProposals({ status: 'approved', limit: 100, ...(cursor ? { cursor } : {}) });
    for (const p of page.items) {
      for (const c of p.conditions ?? []) {
        if (c.done || (before && c.dueDate > before)) continue;
        items.push({
          proposalId: p.proposalId,
          reference: p.reference,
          title: p.input.title,
          n: c.n,
          text: c.text,
          owner: c.owner,
          dueDate: c.dueDate,
          overdue: c.dueDate < today,
        });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items.sort(
    (a, b) => a.dueDate.localeCompare(b.dueDate) || a.reference.localeCompare(b.reference) || a.n - b.n,
  );
}
