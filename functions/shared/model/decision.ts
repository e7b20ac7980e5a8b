// The immutable decision record (SPEC §6): one link of the hash chain auditors re-check.
import * as z from 'zod';
import './zod-messages.js';
import { Tally } from './consultation.js';

export const OUTCOMES = ['approved', 'rejected'] as const;
export const Outcome = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof Outcome>;

export const BANDS = ['clear', 'marginal', 'insufficient'] as const;
export const Band = z.enum(BANDS);
export type Band = z.infer<typeof Band>;

export const GENESIS_HASH = '0'.repeat(64);
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'Must be a SHA-256 digest in lower-case hex');

export const DecisionRecord = z.strictObject({
  decisionId: z.string().min(1),
  proposalId: z.string().min(1),
  reference: z.string().regex(/^DPIA-\d{4}-\d{4,}$/),
  outcome: Outcome,
  rationale: z.string().min(1),
  conditions: z.string().nullable(),
  /** `system` for automatic decisions (insufficient need, expiry), else the approver's address. */
  decidedBy: z.string().min(1),
  decidedAt: z.iso.datetime({ offset: true }),
  reviewDate: z.iso.date().nullable(),
  pressingNeed: z.strictObject({
    score: z.number().min(0).max(100),
    band: Band,
    policyVersion: z.string().min(1),
  }),
  consultation: z.strictObject({
    mailed: z.number().int().min(0),
    responded: z.number().int().min(0),
    late: z.number().int().min(0),
    tally: Tally,
  }),
  /** §10: the DPO's advice and whether the approver accepted or overruled it. */
  dpoAdvice: z
    .strictObject({
      recommendation: z.enum(['proceed', 'proceed-with-conditions', 'do-not-proceed']),
      advice: z.string(),
      response: z.enum(['accepted', 'overruled']),
      reasons: z.string().nullable(),
    })
    .optional(),
  sequence: z.number().int().min(1),
  prevHash: Sha256Hex,
  hash: Sha256Hex,
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;
export type UnsealedDecision = Omit<DecisionRecord, 'hash'>;
