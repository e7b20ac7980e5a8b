// The parts of the DPIA a DPO must be able to defend beyond the need score (issue 19): why a DPIA is
// needed (screening), the legal regime, the lawful basis, what data and who receives it, and the
// kind of place the camera watches (the Home Office ANPR guidance, Appendix A). All are optional
// when a proposal is opened, so a manager can open it and complete them while consulting; all are
// required before approval (approvalGaps), and older stored proposals stay readable without them.
import * as z from 'zod/mini';
import './zod-messages.js';
import { LEGAL_REGIMES, PLACE_TYPES } from './assessment-terms.js';
import { line, text } from './fields.js';

export {
  APPROVAL_REQUIREMENTS,
  type AssessmentLike,
  approvalGaps,
  LEGAL_REGIME_LABELS,
  LEGAL_REGIMES,
  type LegalRegime,
  PLACE_TYPE_LABELS,
  PLACE_TYPES,
  type PlaceType,
  SCORING_POLICY_VERSIONS,
  SCREENING_QUESTIONS,
  type ScoringPolicyVersion,
  type ScreeningQuestion,
} from './assessment-terms.js';

export const PlaceTypeSchema = z.enum(PLACE_TYPES, {
  error: `Choose the kind of place: ${PLACE_TYPES.join(', ')}`,
});
const answer = z.boolean({ error: 'Answer yes (true) or no (false)' });
export const Screening = z.strictObject({
  systematicMonitoring: answer,
  newTechnology: answer,
  locationTracking: answer,
  dataMatching: answer,
  lawEnforcement: answer,
  note: z.optional(z.string().check(z.trim(), z.maxLength(4000, 'Must be at most 4000 characters'))),
});
export type Screening = z.infer<typeof Screening>;

export const LegalRegimeSchema = z.enum(LEGAL_REGIMES, {
  error: 'Choose dpa-2018-part-3 (law enforcement) or uk-gdpr',
});

const list = (what: string) =>
  z
    .array(line(2, 200))
    .check(
      z.minLength(1, `Name at least one ${what}`),
      z.maxLength(30, `At most 30 ${what.replace(/y$/, 'ie')}s`),
    );

/** The assessment fields beside the checklist, risks and alternatives (ProposalInput spreads them). */
export const AssessmentFields = {
  placeType: z.optional(PlaceTypeSchema),
  screening: z.optional(Screening),
  legalRegime: z.optional(LegalRegimeSchema),
  lawfulBasis: z.optional(text(20, 4000)),
  dataCategories: z.optional(list('category of data')),
  recipients: z.optional(list('recipient')),
};
