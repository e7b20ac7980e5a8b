// The assessment's fixed terms (place types, screening questions, legal regimes, their labels) and
// what an approval still needs (approvalGaps): plain values and code apart from the schemas in
// assessment.ts (which re-exports them), so that a page that only shows them does not bundle them.
import { termsOf } from './terms.js';

/** The scoring policies a proposal may be scored under (functions/scoring/policies.ts holds them). */
export const SCORING_POLICY_VERSIONS = ['2026.1', '2026.2'] as const;
export type ScoringPolicyVersion = (typeof SCORING_POLICY_VERSIONS)[number];

/**
 * The place or road a camera watches. The Home Office guidance asks for the highest level of
 * justification where the camera sees mostly residents and visitors to sensitive places; the
 * scoring policy (policy-2026.2.json) says which level each type needs.
 */
export const PLACE_TYPE_LABELS = {
  'strategic-road': 'Motorway, trunk road or other strategic route',
  'main-road': 'Other main road (A or B road)',
  'town-centre': 'Town or city centre',
  residential: 'Residential street or estate road',
  sensitive: 'Beside a sensitive place (place of worship, school, health or advice centre)',
} as const;
export type PlaceType = keyof typeof PLACE_TYPE_LABELS;
export const PLACE_TYPES = /* @__PURE__ */ termsOf(PLACE_TYPE_LABELS);

/** Screening (ICO step 1): the questions whose "yes" makes a DPIA necessary. */
export const SCREENING_QUESTIONS = {
  systematicMonitoring: 'Systematic monitoring of a publicly accessible place on a large scale',
  newTechnology: 'New technology, or a new use of an existing technology',
  locationTracking: "Tracking people's location or movements",
  dataMatching: 'Matching data against other data sets (lists of vehicles of interest)',
  lawEnforcement: 'Processing for law enforcement that may lead to action against individuals',
} as const;
export type ScreeningQuestion = keyof typeof SCREENING_QUESTIONS;

/** The legal regime of the processing: police use of cameras for crime is DPA 2018 Part 3. */
export const LEGAL_REGIME_LABELS = {
  'dpa-2018-part-3': 'Data Protection Act 2018, Part 3 (law enforcement processing)',
  'uk-gdpr': 'UK GDPR and Data Protection Act 2018, Part 2 (general processing)',
} as const;
export type LegalRegime = keyof typeof LEGAL_REGIME_LABELS;
export const LEGAL_REGIMES = /* @__PURE__ */ termsOf(LEGAL_REGIME_LABELS);

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
