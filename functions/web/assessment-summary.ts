// The assessment and the approval's conditions as the manager's proposal page shows them (issues
// 19, 20): what is recorded, in people's words, and what an approval still needs.
import type { proposalDetail } from '../proposals/detail.js';
import type { ScreeningQuestion } from '../shared/model/assessment-terms.js';
import {
  LEGAL_REGIME_LABELS,
  PLACE_TYPE_LABELS,
  SCREENING_QUESTIONS,
} from '../shared/model/assessment-terms.js';
import { GUIDING_PRINCIPLES } from '../shared/model/proposal-terms.js';
import { formatUkDateTime, formatUkLongDate } from '../shared/uk-dates.js';

type Detail = Awaited<ReturnType<typeof proposalDetail>>;
const NOT_RECORDED = 'Not recorded';

export function assessmentSummary(d: Detail) {
  const screening = d.screening;
  return {
    assessmentMissing: d.assessmentMissing,
    placeType: d.placeType ? PLACE_TYPE_LABELS[d.placeType] : NOT_RECORDED,
    legalRegime: d.legalRegime ? LEGAL_REGIME_LABELS[d.legalRegime] : NOT_RECORDED,
    lawfulBasis: d.lawfulBasis ?? NOT_RECORDED,
    dataCategories: d.dataCategories?.join('; ') ?? NOT_RECORDED,
    recipients: d.recipients?.join('; ') ?? NOT_RECORDED,
    alternativesConsidered: d.alternativesConsidered ?? NOT_RECORDED,
    screening: screening
      ? (Object.keys(SCREENING_QUESTIONS) as ScreeningQuestion[]).map((key) => ({
          question: SCREENING_QUESTIONS[key],
          answer: screening[key] ? 'Yes' : 'No',
        }))
      : [],
    principles: d.checklist
      ? [...d.checklist]
          .sort((a, b) => a.principle - b.principle)
          .map((e) => ({
            number: e.principle,
            text: GUIDING_PRINCIPLES[e.principle - 1] ?? '',
            met: e.met ? 'Met' : 'Not met',
            note: e.note ?? '',
          }))
      : [],
  };
}

export function trackedConditions(d: Detail, proposalId: string, isManager: boolean, now: Date) {
  const today = now.toISOString().slice(0, 10);
  return d.conditions.map((c) => ({
    n: c.n,
    text: c.text,
    owner: c.owner,
    due: formatUkLongDate(c.dueDate),
    state: c.done
      ? `Done on ${formatUkDateTime(c.doneAt ?? '')} by ${c.doneBy}`
      : c.dueDate < today
        ? 'Open: overdue'
        : 'Open',
    evidence: c.evidence,
    canMarkDone: isManager && !c.done,
    action: `/app/proposals/${encodeURIComponent(proposalId)}/conditions/${c.n}/done`,
  }));
}
