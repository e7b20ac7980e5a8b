// The review item behind a review link as stored and read back (review/store.ts): a signed link's
// fields (shared/model/signed-link.ts), the approver's, and the decision it records.
import * as z from 'zod/mini';
import { ConditionItem, ConsulteeViews } from '../shared/model/conditions.js';
import '../shared/model/zod-messages.js';
import { isoDate, isoDateTime } from '../shared/model/iso.js';
import { Outcome } from '../shared/model/outcome.js';
import { signedLinkFields } from '../shared/model/signed-link.js';
import { REVIEW_STATES } from './states.js';

export { REVIEW_STATES } from './states.js';

export const ReviewDecision = z.object({
  outcome: Outcome,
  rationale: z.string(),
  conditions: z.nullable(z.string()),
  reviewDate: z.nullable(isoDate()),
  decidedBy: z.string(),
  decidedAt: isoDateTime({ offset: true }),
  /** SPEC 10: whether the decision accepts or overrules the DPO's advice, when the DPO advised. */
  dpoAdvice: z.optional(z.enum(['accepted', 'overruled'])),
  dpoReasons: z.optional(z.nullable(z.string())),
  /** Issue 19: reasons addressing the consultees' views the decision departs from. */
  consulteeViews: z.optional(ConsulteeViews),
  /** Issue 19: the conditions one by one, each with its owner and due date. */
  conditionItems: z.optional(z.array(ConditionItem)),
});
export type ReviewDecision = z.infer<typeof ReviewDecision>;

export const ReviewRecord = z.object({
  reviewId: z.string().check(z.minLength(1)),
  approverEmail: z.string().check(z.minLength(1)),
  approverName: z.string(),
  state: z.enum(REVIEW_STATES),
  ...signedLinkFields,
  decision: z.optional(ReviewDecision),
});
export type ReviewRecord = z.infer<typeof ReviewRecord>;
