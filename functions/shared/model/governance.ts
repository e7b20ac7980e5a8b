// The governance stages around the approver's decision (SPEC 10, 11): the Data Protection Officer's
// advice, and the prior consultation with the Information Commissioner that a high residual risk
// requires (DPA 2018 s.65). Both are kept on the proposal and go into the decision record.
import * as z from 'zod/mini';
import './zod-messages.js';
import { DPO_RECOMMENDATIONS } from './governance-terms.js';

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

// The DPO stage as the proposal keeps it (dpo-stage.ts) and the Commissioner's consultation
// (ico-consultation.ts) have modules of their own: a function that includes this one for the
// recommendation does not build them.
export type { DpoStage } from './dpo-stage.js';

export { type IcoConsultation, IcoConsultationInput } from './ico-consultation.js';
