// The states of a review item (the approver's link): a module without schemas, so that what reads
// only a link's state (dpia/signed-links.ts) does not bundle the review record's (record.ts).
export const REVIEW_STATES = ['open', 'decided', 'void'] as const;
