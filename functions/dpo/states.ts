// The states of an advice request (the DPO's link): a module without schemas, so that what reads
// only a link's state (dpia/signed-links.ts) does not bundle the advice record's (record.ts).
export const ADVICE_STATES = ['open', 'given', 'void'] as const;
