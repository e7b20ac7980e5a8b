// Conditions of an approval, tracked (issue 19): each has an owner (a post) and a due date, stays
// on the open-conditions list until a manager marks it done with evidence, and the DPIA document
// shows its state. The decision record keeps them as decided; the proposal keeps their progress.
import * as z from 'zod/mini';
import './zod-messages.js';
import { isoDate } from './iso.js';

export const ConditionItem = z.strictObject({
  n: z.number().check(z.int(), z.gte(1)),
  text: z.string(),
  owner: z.string(),
  dueDate: isoDate(),
});
export type ConditionItem = z.infer<typeof ConditionItem>;

/** Issue 19: the approver's reasons addressing the consultees' views the decision departs from. */
export const ConsulteeViews = z.strictObject({
  departsFrom: z.enum(['objections', 'support']),
  count: z.number().check(z.int(), z.gte(1)),
  response: z.string(),
});

/** A condition's progress on the proposal: open until marked done with evidence. */
export type ConditionState = ConditionItem & {
  done: boolean;
  doneAt: string | null;
  doneBy: string | null;
  evidence: string | null;
};

// POST /proposals/{id}/conditions/{n}/done: in a module of its own, as only that route parses it.
export { ConditionDoneInput } from './condition-done.js';

// The approver's form fields for a condition's owner and due date: only the review page parses them.
export { ConditionDue, ConditionOwner } from './condition-fields.js';

/** One condition per non-empty line of the approver's conditions (numbering such as "1." dropped). */
export function splitConditions(conditions: string | null | undefined): string[] {
  return (conditions ?? '')
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*(?:\d+[.)]|[-*•])\s*/, '').trim())
    .filter((l) => l.length > 0);
}
