import { dynamo } from '../shared/clients/dynamo.js';
import { ConflictError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import { approvalGaps } from '../shared/model/assessment-terms.js';
import { ASSESSMENT_KEYS, type AssessmentInput } from '../shared/model/proposal.js';
import { isConditionFailure } from '../shared/store/conditions.js';
import {
  addTimelineEvent,
  getProposal,
  type ProposalStatus,
  proposalUpdate,
  UNDECIDED_STATUSES,
} from '../shared/store/proposals.js';

/** Until the decision (as for the ICO consultation): afterwards the record is sealed. */
export const ASSESSMENT_OPEN: readonly ProposalStatus[] = UNDECIDED_STATUSES;

const LABELS: Record<(typeof ASSESSMENT_KEYS)[number], string> = {
  checklist: 'the 12 principles',
  alternativesConsidered: 'alternatives considered',
  risks: 'risks',
  screening: 'screening',
  legalRegime: 'legal regime',
  lawfulBasis: 'lawful basis',
  dataCategories: 'data categories',
  recipients: 'recipients',
};

export interface UpdatedAssessment {
  proposalId: string;
  reference: string;
  updated: string[];
  /** What an approval still needs (issue 19); empty when the assessment is complete. */
  stillMissing: string[];
}

export async function updateAssessment(
  proposalId: string,
  fields: AssessmentInput,
  updatedBy: string,
  now = new Date(),
): Promise<UpdatedAssessment> {
  const keys = ASSESSMENT_KEYS.filter((key) => fields[key] !== undefined);
  const names: Record<string, string> = { '#input': 'input', '#status': 'status', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':now': now.toISOString() };
  const sets = ['#updatedAt = :now'];
  for (const key of keys) {
    names[`#${key}`] = key;
    values[`:${key}`] = fields[key];
    sets.push(`#input.#${key} = :${key}`);
  }
  const open = ASSESSMENT_OPEN.map((status, i) => {
    values[`:open${i}`] = status;
    return `:open${i}`;
  });
  let after: Record<string, unknown> | undefined;
  try {
    const out = await dynamo.send(
      proposalUpdate(proposalId, {
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `attribute_exists(PK) AND #status IN (${open.join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    after = out.Attributes;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await getProposal(proposalId); // 404 when there is no such proposal
    throw new ConflictError(
      `Proposal ${current.reference} is ${current.status}: its assessment can only change before the decision.`,
    );
  }
  const reference = String(after?.reference ?? '');
  const updated = keys.map((key) => LABELS[key]);
  await addTimelineEvent(
    proposalId,
    'assessment-updated',
    `Assessment updated by ${updatedBy}: ${updated.join(', ')}.`,
    now,
  );
  log.info('assessment updated', { proposalId, reference, fields: keys.join(',') });
  const input = (after?.input ?? {}) as Parameters<typeof approvalGaps>[0];
  return { proposalId, reference, updated, stillMissing: approvalGaps(input).map((gap) => gap.missing) };
}
