import type { DecisionRecord } from '../shared/model/decision.js';
import { DPO_RECOMMENDATION_LABELS } from '../shared/model/governance-terms.js';
import { needsPriorConsultation } from '../shared/model/risk.js';
import { formatUkDateTime, formatUkLongDate } from '../shared/uk-dates.js';
import { highestResidual } from './risks.js';
import type { DpiaSources } from './sources.js';
import { NOT_APPLICABLE, NOT_RECORDED } from './words.js';

export interface SignOffRow {
  item: string;
  who: string;
  notes: string;
}

export function signOffRows(
  { proposal, decision }: DpiaSources,
  who: {
    approverName: string;
    dpoName: string | null;
    say: (text: string) => string;
    isPublic: boolean;
  },
): SignOffRow[] {
  const { input } = proposal;
  const bySystem = decision?.decidedBy === 'system';
  const approver = decision
    ? bySystem
      ? `The system, ${formatUkDateTime(decision.decidedAt)}`
      : `${who.approverName}${who.isPublic ? '' : ` (${decision.decidedBy})`}, approver, ${formatUkDateTime(decision.decidedAt)}`
    : 'Not yet decided';
  const dpo = dpoRows(proposal, decision, who);
  const ico = decision?.icoConsultation ?? proposal.icoConsultation;
  return [
    {
      item: 'Measures approved by',
      who: approver,
      notes: decision
        ? decision.outcome === 'approved'
          ? `Approved. Conditions: ${decision.conditions ? who.say(decision.conditions).replace(/\.?$/, '.') : 'none.'}`
          : 'Rejected: the measures are not approved.'
        : NOT_RECORDED,
    },
    {
      item: 'Residual risks approved by',
      who: input.risks?.length ? approver : NOT_APPLICABLE,
      notes: input.risks?.length
        ? `Highest residual risk: ${decision?.residualRisk ?? highestResidual(input.risks)}.${
            needsPriorConsultation(input.risks)
              ? ico
                ? ' High residual risk: the Information Commissioner was consulted before the decision (below).'
                : ' High residual risk: the Information Commissioner must be consulted before going ahead.'
              : ''
          }`
        : 'No risks are recorded.',
    },
    ...dpo,
    {
      item: 'Consultation responses reviewed by',
      who:
        decision && !bySystem
          ? approver
          : decision
            ? 'Not applicable: no consultation took place'
            : NOT_RECORDED,
      notes: decision ? `Rationale: ${who.say(decision.rationale)}` : NOT_RECORDED,
    },
    {
      item: 'This DPIA will be kept under review by',
      who: decision?.outcome === 'approved' ? who.approverName : NOT_APPLICABLE,
      notes: decision?.reviewDate
        ? `Next review by ${formatUkLongDate(decision.reviewDate)}.`
        : NOT_APPLICABLE,
    },
  ];
}

function dpoRows(
  proposal: DpiaSources['proposal'],
  decision: DecisionRecord | null,
  who: { dpoName: string | null; approverName: string; say: (text: string) => string },
): SignOffRow[] {
  const named = proposal.input.dpo !== undefined || proposal.dpo !== undefined;
  if (!named) {
    return [
      {
        item: 'DPO advice provided',
        who: NOT_APPLICABLE,
        notes: 'The proposal names no Data Protection Officer.',
      },
    ];
  }
  const stage = proposal.dpo;
  const advice = decision?.dpoAdvice;
  if (decision?.dpoNoResponse) {
    return [
      {
        item: 'DPO advice provided',
        who: who.dpoName ?? 'The Data Protection Officer',
        notes: `No advice: the DPO was asked on ${formatUkDateTime(decision.dpoNoResponse.requestedAt)} and did not answer in time (${formatUkDateTime(decision.dpoNoResponse.timedOutAt)}); the approver decided without it.`,
      },
    ];
  }
  const recommendation = advice?.recommendation ?? stage?.recommendation;
  const text = advice?.advice ?? stage?.advice;
  const rows: SignOffRow[] = [
    {
      item: 'DPO advice provided',
      who: `${who.dpoName ?? 'The Data Protection Officer'}${stage?.advisedAt ? `, ${formatUkDateTime(stage.advisedAt)}` : ''}`,
      notes: recommendation
        ? `Recommendation: ${DPO_RECOMMENDATION_LABELS[recommendation]}. Summary: ${text ? who.say(text) : NOT_RECORDED}`
        : stage?.status === 'no-response'
          ? 'No advice: the DPO did not answer in time.'
          : `${NOT_RECORDED}: advice awaited.`,
    },
  ];
  if (advice) {
    rows.push({
      item: 'DPO advice accepted or overruled by',
      who: who.approverName,
      notes:
        advice.response === 'accepted'
          ? 'Accepted.'
          : `Overruled. Reasons: ${advice.reasons ? who.say(advice.reasons) : NOT_RECORDED}`,
    });
  } else {
    rows.push({ item: 'DPO advice accepted or overruled by', who: NOT_RECORDED, notes: NOT_RECORDED });
  }
  return rows;
}
