// The governance stages' fixed terms (the DPO's recommendations, the ICO's outcomes and their
// labels), plain values apart from the schemas in governance.ts (which re-exports them), so that a
// page that only prints a label does not bundle the schemas.

export const DPO_RECOMMENDATIONS = ['proceed', 'proceed-with-conditions', 'do-not-proceed'] as const;
export const DPO_RECOMMENDATION_LABELS: Record<(typeof DPO_RECOMMENDATIONS)[number], string> = {
  proceed: 'Proceed',
  'proceed-with-conditions': 'Proceed with conditions',
  'do-not-proceed': 'Do not proceed',
};

/** The approver's answer to the DPO's advice. */
export const DPO_RESPONSES = ['accepted', 'overruled'] as const;
export type DpoResponse = (typeof DPO_RESPONSES)[number];

export const ICO_OUTCOMES = ['advice-received', 'no-response-in-time'] as const;
export const ICO_OUTCOME_LABELS: Record<(typeof ICO_OUTCOMES)[number], string> = {
  'advice-received': 'Written advice received from the Commissioner',
  'no-response-in-time': 'No response from the Commissioner within the statutory period',
};
/** DPA 2018 s.65: the Commissioner has six weeks to give written advice (extendable by a month). */
export const ICO_RESPONSE_DAYS = 42;
