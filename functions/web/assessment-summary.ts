// The assessment and the approval's conditions as the manager's proposal page shows them (issues
// 19, 20): what is recorded, in people's words, and what an approval still needs.
import { checklistInOrder, screeningView } from '../dpia/assessment-view.js';
import { NOT_RECORDED } from '../dpia/words.js';
import type { proposalDetail } from '../proposals/detail.js';
import { LEGAL_REGIME_LABELS, PLACE_TYPE_LABELS } from '../shared/model/assessment-terms.js';
import { formatUkDateTime, formatUkLongDate } from '../shared/uk-dates.js';

type Detail = Awaited<ReturnType<typeof proposalDetail>>;

export function assessmentSummary(d: Detail) {
  return {
    assessmentMissing: d.assessmentMissing,
    placeType: d.placeType ? PLACE_TYPE_LABELS[d.placeType] : NOT_RECORDED,
    legalRegime: d.legalRegime ? LEGAL_REGIME_LABELS[d.legalRegime] : NOT_RECORDED,
    lawfulBasis: d.lawfulBasis ?? NOT_RECORDED,
    dataCategories: d.dataCategories?.join('; ') ?? NOT_RECORDED,
    recipients: d.recipients?.join('; ') ?? NOT_RECORDED,
    alternativesConsidered: d.alternativesConsidered ?? NOT_RECORDED,
    screening: screeningView(d, (text) => text).answers,
    principles: checklistInOrder(d.checklist).map((e) => ({
      number: e.principle,
      text: e.text,
      met: e.met ? 'Met' : 'Not met',
      note: e.note ?? '',
    })),
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
