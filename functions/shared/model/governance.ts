// The governance stages around the approver's decision (SPEC 10, 11): the Data Protection Officer's
// advice, and the prior consultation with the Information Commissioner that a high residual risk
// requires (DPA 2018 s.65). Both are kept on the proposal and go into the decision record.
import * as z from 'zod/mini';
import './zod-messages.js';
import { line, text } from './fields.js';
import { DPO_RECOMMENDATIONS, ICO_OUTCOMES } from './governance-terms.js';
import { isoDate, isoDateTime } from './iso.js';

export {
  DPO_RECOMMENDATION_LABELS,
  DPO_RECOMMENDATIONS,
  DPO_RESPONSES,
  type DpoResponse,
  ICO_OUTCOME_LABELS,
  ICO_OUTCOMES,
  ICO_RESPONSE_DAYS,
} from './governance-terms.js';

export const DpoRecommendation = z.enum(DPO_RECOMMENDATIONS, {
  error: 'Choose proceed, proceed with conditions, or do not proceed.',
});
export type DpoRecommendation = z.infer<typeof DpoRecommendation>;

/**
 * The DPO stage as the proposal keeps it: requested (a signed link is out), advised (the DPO
 * answered), or no-response (the DPO did not answer within dpoTimeoutDays; the approver decides).
 */
export const DpoStage = z.object({
  adviceId: z.string().check(z.minLength(1)),
  dpoName: z.string(),
  requestedAt: isoDateTime({ offset: true }),
  expiresAt: isoDateTime({ offset: true }),
  status: z.enum(['requested', 'advised', 'no-response']),
  recommendation: z.optional(DpoRecommendation),
  advice: z.optional(z.string()),
  advisedAt: z.optional(isoDateTime({ offset: true })),
  timedOutAt: z.optional(isoDateTime({ offset: true })),
});
export type DpoStage = z.infer<typeof DpoStage>;

/** POST /proposals/{id}/ico-consultation (SPEC 11). */
export const IcoConsultationInput = z.strictObject({
  submittedOn: isoDate({ error: 'Give the date the consultation was submitted, e.g. 2026-10-01.' }),
  reference: line(1, 200),
  outcome: z.enum(ICO_OUTCOMES, { error: 'Outcome must be advice-received or no-response-in-time.' }),
  summary: text(1, 8000),
});
export type IcoConsultationInput = z.infer<typeof IcoConsultationInput>;

/** As recorded: who recorded it and when, beside what they entered. */
export type IcoConsultation = IcoConsultationInput & { recordedBy: string; recordedAt: string };
