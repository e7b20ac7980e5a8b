// The immutable decision record (SPEC §6): one link of the hash chain auditors re-check.
import * as z from 'zod/mini';
import './zod-messages.js';
import { ConditionItem, ConsulteeViews } from './conditions.js';
import { Stance } from './consultation.js';
import { isoDate, isoDateTime } from './iso.js';
import { Outcome } from './outcome.js';
import { Tally } from './tally.js';

export { OUTCOMES, Outcome } from './outcome.js';

export const BANDS = ['clear', 'marginal', 'insufficient'] as const;
export const Band = z.enum(BANDS);
export type Band = z.infer<typeof Band>;

export { GENESIS_HASH } from './genesis.js';

const Sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'Must be a SHA-256 digest in lower-case hex'));

export const DecisionRecord = z.strictObject({
  decisionId: z.string().check(z.minLength(1)),
  proposalId: z.string().check(z.minLength(1)),
  reference: z.string().check(z.regex(/^DPIA-\d{4}-\d{4,}$/)),
  outcome: Outcome,
  rationale: z.string().check(z.minLength(1)),
  conditions: z.nullable(z.string()),
  /** `system` for automatic decisions (insufficient need, expiry), else the approver's address. */
  decidedBy: z.string().check(z.minLength(1)),
  decidedAt: isoDateTime({ offset: true }),
  reviewDate: z.nullable(isoDate()),
  pressingNeed: z.strictObject({
    score: z.number().check(z.gte(0), z.lte(100)),
    band: Band,
    policyVersion: z.string().check(z.minLength(1)),
  }),
  consultation: z.strictObject({
    mailed: z.number().check(z.int(), z.gte(0)),
    responded: z.number().check(z.int(), z.gte(0)),
    late: z.number().check(z.int(), z.gte(0)),
    tally: Tally,
    /**
     * Issue 16: each stance a manager corrected, with the stance the reader made of the reply.
     * Only when there is one, so a record without corrections hashes as before.
     */
    reclassified: z.optional(
      z.array(
        z.strictObject({
          replyId: z.string(),
          readStance: Stance,
          stance: Stance,
          reason: z.string(),
          by: z.string(),
          at: isoDateTime({ offset: true }),
        }),
      ),
    ),
  }),
  /** §10: the DPO's advice and whether the approver accepted or overruled it. */
  dpoAdvice: z.optional(
    z.strictObject({
      recommendation: z.enum(['proceed', 'proceed-with-conditions', 'do-not-proceed']),
      advice: z.string(),
      response: z.enum(['accepted', 'overruled']),
      reasons: z.nullable(z.string()),
    }),
  ),
  /** §10: the DPO was asked but did not answer within dpoTimeoutDays. */
  dpoNoResponse: z.optional(
    z.strictObject({ requestedAt: isoDateTime({ offset: true }), timedOutAt: isoDateTime({ offset: true }) }),
  ),
  /** §11: the highest overall risk left after the measures, when the proposal lists risks. */
  residualRisk: z.optional(z.enum(['low', 'medium', 'high'])),
  /** §11: the prior consultation with the Information Commissioner (DPA 2018 s.65), when recorded. */
  icoConsultation: z.optional(
    z.strictObject({
      submittedOn: isoDate(),
      reference: z.string(),
      outcome: z.enum(['advice-received', 'no-response-in-time']),
      summary: z.string(),
      recordedBy: z.string(),
      recordedAt: isoDateTime({ offset: true }),
    }),
  ),
  /** Issue 19: reasons that address the consultees' views the decision departs from. */
  consulteeViews: z.optional(ConsulteeViews),
  /** Issue 19: each condition of an approval with its owner and due date. */
  conditionItems: z.optional(z.array(ConditionItem)),
  /** Issue 19: SHA-256 of the canonical JSON of the proposal as assessed (functions/shared/chain.ts). */
  assessedDigest: z.optional(Sha256Hex),
  sequence: z.number().check(z.int(), z.gte(1)),
  prevHash: Sha256Hex,
  hash: Sha256Hex,
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;
export type UnsealedDecision = Omit<DecisionRecord, 'hash'>;
