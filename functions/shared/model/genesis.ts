// The hash the first decision record of the chain points back to (SPEC §6). Apart from decision.ts,
// whose zod schema of the record no function parses at run time: it is only the record's type.
export const GENESIS_HASH = '0'.repeat(64);
