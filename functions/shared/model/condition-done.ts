// POST /proposals/{id}/conditions/{n}/done: the evidence that a condition of an approval is met.
import * as z from 'zod/mini';
import './zod-messages.js';
import { text } from './fields.js';

export const ConditionDoneInput = z.strictObject({
  evidence: text(20, 4000),
});
export type ConditionDoneInput = z.infer<typeof ConditionDoneInput>;
