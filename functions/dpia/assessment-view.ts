// The parts of the DPIA document added by issue 19: in step 1, why a DPIA is needed (the screening
// answers); in step 2, the legal regime, lawful basis, categories of data, recipients and the place;
// in step 7, each condition with its owner, due date and state; and the contact point for access
// requests and complaints (Surveillance Camera Code, principle 3). Free text passes through `say`,
// so the public edition withholds the site, names and addresses as everywhere else.

import type { ScreeningQuestion } from '../shared/model/assessment-terms.js';
import {
  LEGAL_REGIME_LABELS,
  PLACE_TYPE_LABELS,
  SCREENING_QUESTIONS,
} from '../shared/model/assessment-terms.js';
import type { ConditionItem, ConditionState } from '../shared/model/conditions.js';
import type { DecisionRecord } from '../shared/model/decision.js';
import type { ChecklistEntry, ProposalInput } from '../shared/model/proposal.js';
import { GUIDING_PRINCIPLES } from '../shared/model/proposal-terms.js';
import { formatUkDateTime, formatUkLongDate } from '../shared/uk-dates.js';
import { NOT_RECORDED } from './words.js';

type Say = (text: string) => string;

export function screeningView(input: Pick<ProposalInput, 'screening'>, say: Say) {
  const screening = input.screening;
  if (!screening) return { recorded: false, answers: [], note: null };
  return {
    recorded: true,
    answers: (Object.keys(SCREENING_QUESTIONS) as ScreeningQuestion[]).map((key) => ({
      question: SCREENING_QUESTIONS[key],
      answer: screening[key] ? 'Yes' : 'No',
    })),
    note: screening.note ? say(screening.note) : null,
  };
}

/** The checklist's entries in the Code's order, each with its principle's text. */
export function checklistInOrder(checklist: readonly ChecklistEntry[] | undefined) {
  return [...(checklist ?? [])]
    .sort((a, b) => a.principle - b.principle)
    .map((entry) => ({ ...entry, text: GUIDING_PRINCIPLES[entry.principle - 1] ?? '' }));
}

export function regimeView(input: ProposalInput, say: Say) {
  return [
    {
      label: 'Legal regime',
      value: input.legalRegime ? LEGAL_REGIME_LABELS[input.legalRegime] : NOT_RECORDED,
    },
    { label: 'Lawful basis', value: input.lawfulBasis ? say(input.lawfulBasis) : NOT_RECORDED },
    {
      label: 'Categories of data',
      value: input.dataCategories?.length ? input.dataCategories.map(say).join('; ') : NOT_RECORDED,
    },
    {
      label: 'Recipients',
      value: input.recipients?.length ? input.recipients.map(say).join('; ') : NOT_RECORDED,
    },
    { label: 'Kind of place', value: input.placeType ? PLACE_TYPE_LABELS[input.placeType] : NOT_RECORDED },
  ];
}

/** Each condition of the approval with its owner, due date and state (done with evidence, or open). */
export function conditionsView(
  decision: DecisionRecord | null,
  tracked: ConditionState[] | undefined,
  say: Say,
  isPublic: boolean,
  today: string,
) {
  const items: ConditionItem[] = decision?.conditionItems ?? [];
  return items.map((item) => {
    const state = tracked?.find((c) => c.n === item.n);
    const done = state?.done === true;
    return {
      n: item.n,
      text: say(item.text),
      owner: say(item.owner),
      due: formatUkLongDate(item.dueDate),
      state: done
        ? `Done on ${formatUkDateTime(state?.doneAt ?? '')}${isPublic ? '' : ` (${state?.doneBy})`}`
        : item.dueDate < today
          ? 'Open: overdue'
          : 'Open',
      evidence: done && state?.evidence ? say(state.evidence) : null,
      stateClass: done ? 'met' : 'not-met',
    };
  });
}

/** SC Code principle 3: where people ask for their data or complain. No address in either edition. */
export const CONTACT_POINT =
  'To ask for the information held about you or your vehicle (a subject access request), or to complain about this camera, write to the Camera DPIA Team at the address given in the consultation letter and on the force website; every request and complaint goes to the force Data Protection Officer. If not satisfied, anyone may complain to the Information Commissioner: ico.org.uk/make-a-complaint, telephone 0303 123 1113.';
