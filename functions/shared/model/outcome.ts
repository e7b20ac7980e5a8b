// A decision's outcome, apart from the decision record's schema so that a review (which records
// only the outcome) does not bring the record, the tally and the proposal schemas into its bundle.
import * as z from 'zod/mini';
import './zod-messages.js';

export const OUTCOMES = ['approved', 'rejected'] as const;
export const Outcome = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof Outcome>;
