// The parts of the DPIA a DPO must be able to defend beyond the need score (issue 19): why a DPIA is
// needed (screening), the legal regime, the lawful basis, what data and who receives it, and the
// kind of place the camera watches (the Home Office ANPR guidance, Appendix A). All are optional
// when a proposal is opened, so a manager can open it and complete them while consulting; all are
// required before approval (approvalGaps), and older stored proposals stay readable without them.
import * as z from 'zod/mini';
import './zod-messages.js';
import { line, text } from './fields.js';

/** The scoring policies a proposal may be scored under (functions/scoring/policies.ts holds them). */
export const SCORING_POLICY_VERSIONS = ['2026.1', '2026.2'] as const;
export type ScoringPolicyVersion = (typeof SCORING_POLICY_VERSIONS)[number];

/**
 * The place or road a camera watches. The Home Office guidance asks for the highest level of
 * justification where the camera sees mostly residents and visitors to sensitive places; the
 * scoring policy (policy-2026.2.json) says which level each type needs.
 */
export const PLACE_TYPES = [
  'strategic-road',
  'main-road',
  'town-centre',
  'residential',
  'sensitive',
] as const;
export type PlaceType = (typeof PLACE_TYPES)[number];
export const PLACE_TYPE_LABELS: Record<PlaceType, string> = {
  'strategic-road': 'Motorway, trunk road or other strategic route',
  'main-road': 'Other main road (A or B road)',
  'town-centre': 'Town or city centre',
  residential: 'Residential street or estate road',
  sensitive: 'Beside a sensitive place (place of worship, school, health or advice centre)',
};
export const PlaceTypeSchema = z.enum(PLACE_TYPES, {
  error: `Choose the kind of place: ${PLACE_TYPES.join(', ')}`,
});

/** Screening (ICO step 1): the questions whose "yes" makes a DPIA necessary. */
export const SCREENING_QUESTIONS = {
  systematicMonitoring: 'Systematic monitoring of a publicly accessible place on a large scale',
  newTechnology: 'New technology, or a new use of an existing technology',
  locationTracking: "Tracking people's location or movements",
  dataMatching: 'Matching data against other data sets (lists of vehicles of interest)',
  lawEnforcement: 'Processing for law enforcement that may lead to action against individuals',
} as const;
export type ScreeningQuestion = keyof typeof SCREENING_QUESTIONS;
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

/** The legal regime of the processing: police use of cameras for crime is DPA 2018 Part 3. */
export const LEGAL_REGIMES = ['dpa-2018-part-3', 'uk-gdpr'] as const;
export type LegalRegime = (typeof LEGAL_REGIMES)[number];
export const LEGAL_REGIME_LABELS: Record<LegalRegime, string> = {
  'dpa-2018-part-3': 'Data Protection Act 2018, Part 3 (law enforcement processing)',
  'uk-gdpr': 'UK GDPR and Data Protection Act 2018, Part 2 (general processing)',
};
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

/** What an approval needs that opening did not (issue 19); each names the field to complete. */
export interface AssessmentLike {
  risks?: readonly unknown[] | undefined;
  checklist?: readonly unknown[] | undefined;
  screening?: unknown;
  legalRegime?: unknown;
  lawfulBasis?: unknown;
  dataCategories?: readonly unknown[] | undefined;
  recipients?: readonly unknown[] | undefined;
}

export const APPROVAL_REQUIREMENTS: readonly { field: keyof AssessmentLike; missing: string }[] = [
  { field: 'risks', missing: 'the risks to individuals, each with its measure (DPA 2018 s.64)' },
  { field: 'checklist', missing: "the Surveillance Camera Code's 12 guiding principles, met or not" },
  { field: 'screening', missing: 'the screening answers (why a DPIA is needed)' },
  { field: 'legalRegime', missing: 'the legal regime' },
  { field: 'lawfulBasis', missing: 'the lawful basis' },
  { field: 'dataCategories', missing: 'the categories of data' },
  { field: 'recipients', missing: 'the recipients of the data' },
];

/** The parts of the assessment still missing before the proposal may be approved. */
export function approvalGaps(input: AssessmentLike): { field: keyof AssessmentLike; missing: string }[] {
  return APPROVAL_REQUIREMENTS.filter(({ field }) => {
    const value = input[field];
    return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
  });
}
